namespace Platform.Contracts.Users;

/// <summary>
/// A Platform user: a RabbitMQ user of the same name and what it is granted. Services know who sent a message by
/// its AMQP <c>user_id</c>, which the broker checks; this record says what that user may do.
/// </summary>
[MassTransit.MessageUrn("platform:users:PlatformUser")]
public sealed record PlatformUser
{
    /// <summary>The broker user's name.</summary>
    public required string Name { get; init; }

    /// <summary>Every namespace, read-write and privileged, and user management.</summary>
    public bool Admin { get; init; }

    /// <summary>The namespaces granted, one entry per namespace, sorted by namespace.</summary>
    public IReadOnlyList<UserGrant> Grants { get; init; } = [];

    /// <summary>When the user was recorded (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its grants last changed (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
