using MassTransit;

namespace Platform.Contracts.Events;

/// <summary>One event of a service's history, as it was published.</summary>
[MessageUrn("platform:events:HistoricalEvent")]
public sealed record HistoricalEvent
{
    /// <summary>Required. The event's id, the message id it is (or will be) published with.</summary>
    public required Guid EventId { get; init; }

    /// <summary>Required. The event's message URN (<c>urn:message:platform:containers:ContainerCreated</c>).</summary>
    public required string MessageType { get; init; }

    /// <summary>Required. The event's timestamp (UTC), as in the event.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Required. The event itself as JSON: the message a live subscriber receives.</summary>
    public required string Event { get; init; }
}
