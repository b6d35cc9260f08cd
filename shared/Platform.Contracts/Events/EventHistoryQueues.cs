namespace Platform.Contracts.Events;

/// <summary>
/// Queues of <see cref="ReadEventHistory"/>: one per service, since each reads its own store. Part of the wire.
/// </summary>
public static class EventHistoryQueues
{
    /// <summary>The metadata service's (containers, images).</summary>
    public const string Metadata = "read-event-history-metadata";

    /// <summary>The resource GC service's (snapshots, content, leases, volumes, collections).</summary>
    public const string ResourceGc = "read-event-history-resourcegc";

    /// <summary>The task runner's (tasks, networks).</summary>
    public const string TaskRunner = "read-event-history-taskrunner";

    /// <summary>Every service's, in the order ties between services are broken.</summary>
    public static IReadOnlyList<string> All { get; } = [Metadata, ResourceGc, TaskRunner];
}
