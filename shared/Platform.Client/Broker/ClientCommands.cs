using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Events;
using Platform.Contracts.Images;
using Platform.Contracts.Networks;
using Platform.Contracts.Resources;
using Platform.Contracts.Tasks;
using Platform.Contracts.Users;

namespace Platform.Client;

/// <summary>
/// The commands and queries a client may send, by name: what a user's broker permissions let it write to. A list, not
/// a rule over the contracts, so that it fails closed: a new command is not writable until it is added here, and a
/// test compares this list with the queues the services listen on. Internal commands
/// (<see cref="RequiresAttribute"/> <see cref="Access.Service"/>: <see cref="AddReference"/>,
/// <see cref="RemoveReference"/>) and the services' event queues are never on it.
/// </summary>
public static class ClientCommands
{
    private static readonly Type[] Types =
    [
        // Metadata: containers, images, users.
        typeof(CreateContainer), typeof(GetContainer), typeof(ListContainers), typeof(UpdateContainer), typeof(DeleteContainer),
        typeof(CreateImage), typeof(GetImage), typeof(ListImages), typeof(UpdateImage), typeof(DeleteImage),
        typeof(CreateUser), typeof(GetUser), typeof(ListUsers), typeof(DeleteUser), typeof(GrantNamespace), typeof(RevokeNamespace),
        // Resource GC: snapshots, imports, content, leases, collection.
        typeof(PrepareSnapshot), typeof(ViewSnapshot), typeof(GetSnapshotMounts), typeof(CommitSnapshot), typeof(RemoveSnapshot),
        typeof(StatSnapshot), typeof(UpdateSnapshot), typeof(ListSnapshots), typeof(GetSnapshotUsage),
        typeof(BeginSnapshotImport), typeof(SnapshotImportChunk), typeof(CompleteSnapshotImport),
        typeof(BeginContentIngest), typeof(ContentIngestChunk), typeof(CommitContentIngest), typeof(AbortContentIngest),
        typeof(GetContentInfo), typeof(ListContent), typeof(ReadContent), typeof(DeleteContent), typeof(UpdateContent),
        typeof(CreateLease), typeof(DeleteLease), typeof(ListLeases), typeof(AddLeaseResource), typeof(RemoveLeaseResource), typeof(ListLeaseResources),
        typeof(UnpackImage), typeof(FetchImage), typeof(CollectGarbage), typeof(ExplainResource),
        typeof(CreateVolume), typeof(GetVolume), typeof(ListVolumes), typeof(RemoveVolume), typeof(PruneVolumes),
        // Task runner.
        typeof(CreateNetwork), typeof(GetNetwork), typeof(ListNetworks), typeof(RemoveNetwork), typeof(PruneNetworks),
        typeof(CreateTask), typeof(StartTask), typeof(KillTask), typeof(DeleteTask), typeof(ExecProcess), typeof(PauseTask), typeof(ResumeTask),
        typeof(UpdateTask),
        typeof(ListTaskStats), typeof(TopTask), typeof(CopyToTask), typeof(CopyFromTask),
        typeof(AttachTask), typeof(WriteTaskStdin), typeof(CloseTaskStdin), typeof(ResizeTask),
        typeof(GetTask), typeof(ListTasks), typeof(ListPids), typeof(WaitTask), typeof(ReadTaskLogs),
        // Every service: its own event history.
        typeof(ReadEventHistory),
    ];

    /// <summary>Every command and query a client may send.</summary>
    public static IReadOnlyList<Type> All => Types;

    /// <summary>
    /// The queues (unprefixed) a caller needing at most <paramref name="access"/> may send to: <see cref="Access.Read"/>
    /// gets the queries, <see cref="Access.Write"/> the commands too, <see cref="Access.Admin"/> also user management
    /// and collection. The services' own checks still decide per namespace; this only keeps a user from writing
    /// what it could never be allowed to send.
    /// </summary>
    public static IEnumerable<string> QueuesFor(Access access) =>
        Types.Where(t => RequiresAttribute.Of(t) <= access).SelectMany(QueuesOf).Order(StringComparer.Ordinal);

    /// <summary>
    /// The queues (unprefixed) a command or query is sent to: its own (<see cref="QueueNames"/>), or one per service for a
    /// query every service answers from its own store (<see cref="ReadEventHistory"/>).
    /// </summary>
    public static IReadOnlyList<string> QueuesOf(Type messageType) =>
        messageType == typeof(ReadEventHistory) ? EventHistoryQueues.All : [QueueNames.Of(messageType)];
}
