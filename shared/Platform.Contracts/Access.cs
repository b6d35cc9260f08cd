namespace Platform.Contracts;

/// <summary>What a caller needs to send a message: checked by every service before the consumer runs.</summary>
public enum Access
{
    /// <summary>Read access to the message's namespace (a get, list, wait or log read).</summary>
    Read = 1,

    /// <summary>Read-write access to the message's namespace. The default for a command.</summary>
    Write = 2,

    /// <summary>An administrator (user management, collection across every namespace).</summary>
    Admin = 3,

    /// <summary>The services' own user only: internal commands and every event.</summary>
    Service = 4,
}

/// <summary>
/// The access a command or query needs. A command without this attribute needs <see cref="Access.Write"/>;
/// an event (<see cref="IPlatformEvent"/>) always needs <see cref="Access.Service"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresAttribute(Access access) : Attribute
{
    /// <summary>The access needed.</summary>
    public Access Access { get; } = access;

    /// <summary>The access a message type needs, by the rule above.</summary>
    public static Access Of(Type messageType) =>
        typeof(IPlatformEvent).IsAssignableFrom(messageType) ? Access.Service
        : messageType.GetCustomAttributes(typeof(RequiresAttribute), inherit: false) is [RequiresAttribute required] ? required.Access
        : Access.Write;
}
