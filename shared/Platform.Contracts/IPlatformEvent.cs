namespace Platform.Contracts;

/// <summary>
/// What every Platform event carries. Not a base class on the wire: each event is its own type.
/// </summary>
[MassTransit.ExcludeFromTopology]
public interface IPlatformEvent
{
    /// <summary>Stable id, the same on every redelivery: consumers drop duplicates by it.</summary>
    Guid EventId { get; }

    /// <summary>When the change was committed (UTC).</summary>
    DateTimeOffset Timestamp { get; }

    /// <summary>The namespace of the changed object.</summary>
    string Namespace { get; }

    /// <summary>Per-object sequence number, increasing with every event about that object (across delete and re-create).</summary>
    long Sequence { get; }
}
