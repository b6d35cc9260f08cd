using Platform.Common.Filters;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;

namespace Platform.ResourceGc.Store;

/// <summary>
/// The resource GC service's store: snapshot records, owners' references, leases and the outbox. Every
/// check-then-write is atomic with its write, which is what lets the collector work without a global lock:
/// a removal re-checks at the moment of its write that nothing protects the snapshot, and anything that adds
/// protection (a reference, a child, a lease holding it) conflicts with that removal rather than racing it.
/// Namespace + snapshotter + key identify a snapshot; its folder id never changes. Namespace + digest identify a
/// content record. References and lease holds name their resource by (namespace, space, key): the parameters called
/// <c>snapshotter</c> below are that space, a snapshotter's name or <see cref="ResourceSpaces.Content"/> (key = digest).
/// A content record's GC labels (<see cref="GcLabels"/>) are kept as label edges, written in the same transaction as
/// the record, so "does any content label point here" is part of every removal's precondition.
/// </summary>
public interface IResourceStore
{
    /// <summary>A new folder id, recorded with its allocation time (the sweep leaves young folders alone).</summary>
    Task<long> AllocateDirIdAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every allocated folder id and when it was allocated.</summary>
    Task<Dictionary<long, DateTimeOffset>> DirAllocationsAsync(CancellationToken cancellationToken);

    Task<SnapshotRecord?> GetSnapshotAsync(string ns, string snapshotter, string key, CancellationToken cancellationToken);

    /// <summary>The command outcomes kept in this store's database, beside its outbox.</summary>
    ICommandOutcomeStore Outcomes { get; }

    /// <summary>Inserts a snapshot: AlreadyExists for a taken key, NotFound/InvalidArgument for a missing or uncommitted parent, NotFound for a missing lease.</summary>
    /// <param name="outcome">The command's outcome, recorded in the same transaction (<see cref="CommandOnce"/>); null for none.</param>
    Task InsertSnapshotAsync(SnapshotRecord record, string? leaseId, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null);

    /// <summary>Active <paramref name="key"/> becomes committed <paramref name="name"/> (refused while referenced).</summary>
    /// <param name="outcome">Makes the command's outcome from the committed record, recorded in the same transaction.</param>
    Task<SnapshotRecord> CommitSnapshotAsync(string ns, string snapshotter, string key, string name,
        IReadOnlyDictionary<string, string>? labels, string? leaseId, DateTimeOffset now, Func<SnapshotRecord, EventFactory> makeEvent,
        CancellationToken cancellationToken, Func<SnapshotRecord, CommandOutcome?>? outcome = null);

    Task<SnapshotRecord> UpdateLabelsAsync(string ns, string snapshotter, string key,
        Func<SnapshotRecord, IReadOnlyDictionary<string, string>> apply, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>A user's removal: FailedPrecondition while it has children, references or a live lease holding it.</summary>
    /// <param name="outcome">Makes the command's outcome from the removed record, recorded in the same transaction.</param>
    Task<SnapshotRecord> RemoveSnapshotAsync(string ns, string snapshotter, string key, DateTimeOffset now,
        Func<SnapshotRecord, EventFactory> makeEvent, CancellationToken cancellationToken, Func<SnapshotRecord, CommandOutcome?>? outcome = null);

    /// <summary>The collector's removal: only if, at this moment, nothing protects it and it predates the pass; else null.</summary>
    Task<SnapshotRecord?> TryCollectSnapshotAsync(string ns, string snapshotter, string key, DateTimeOffset passStart,
        DateTimeOffset now, Func<SnapshotRecord, EventFactory> makeEvent, CancellationToken cancellationToken);

    Task<(IReadOnlyList<SnapshotRecord> Page, string? After)> ListSnapshotsAsync(string ns, string snapshotter,
        FilterSet filters, int limit, string? after, CancellationToken cancellationToken);

    /// <summary>
    /// Adds one hold of an owner on a snapshot (holds are counted: one per commit that points the owner there);
    /// NotFound when the snapshot does not exist at this moment. A repeated <paramref name="operationId"/> counts once.
    /// </summary>
    Task AddReferenceAsync(string ns, string snapshotter, string key, string ownerKind, string ownerId, long generation, DateTimeOffset now,
        Guid? operationId, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back one hold; the reference goes with its last. False for a repeated <paramref name="operationId"/>;
    /// otherwise true when the owner no longer references the snapshot.
    /// </summary>
    Task<bool> ReleaseReferenceAsync(string ns, string snapshotter, string key, string ownerKind, string ownerId, long generation,
        Guid? operationId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Drops an owner's reference with every hold (the owner is gone); true when there was one.</summary>
    Task<bool> RemoveReferenceAsync(string ns, string snapshotter, string key, string ownerKind, string ownerId, long generation, CancellationToken cancellationToken);

    /// <summary>Forgets operation ids applied before <paramref name="before"/>.</summary>
    Task<int> ForgetOperationsAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>References of one kind of owner created before <paramref name="before"/>.</summary>
    Task<IReadOnlyList<ReferenceRecord>> ReferencesAsync(string ownerKind, DateTimeOffset before, CancellationToken cancellationToken);

    Task<LeaseRecord> CreateLeaseAsync(LeaseRecord lease, EventFactory makeEvent, CancellationToken cancellationToken);

    /// <summary>Deletes a lease; returns it and what it held (those snapshots stay, unprotected by it).</summary>
    Task<(LeaseRecord Lease, IReadOnlyList<LeaseResourceRecord> Held)> DeleteLeaseAsync(string ns, string id, EventFactory makeEvent, CancellationToken cancellationToken);

    /// <summary>Leases of one namespace, or of all when <paramref name="ns"/> is null.</summary>
    Task<IReadOnlyList<LeaseRecord>> ListLeasesAsync(string? ns, CancellationToken cancellationToken);

    Task<IReadOnlyList<LeaseResourceRecord>> ChangeLeaseResourceAsync(string ns, string leaseId, string snapshotter, string key, bool add, CancellationToken cancellationToken);

    Task<IReadOnlyList<LeaseResourceRecord>> ListLeaseResourcesAsync(string ns, string leaseId, CancellationToken cancellationToken);

    Task<ContentRecord?> GetContentAsync(string ns, string digest, CancellationToken cancellationToken);

    /// <summary>Whether any namespace has a record of <paramref name="digest"/> (its blob file must stay while one does).</summary>
    Task<bool> ContentDigestRecordedAsync(string digest, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts a content record with its label edges, the hold of <paramref name="leaseId"/> (NotFound when the lease is missing)
    /// and its event, in one transaction. When the namespace already has the digest, only the lease hold is added and the stored
    /// record is returned with <c>Created</c> false (no event).
    /// </summary>
    Task<(ContentRecord Record, bool Created)> InsertContentAsync(ContentRecord record, string? leaseId, EventFactory makeEvent, CancellationToken cancellationToken);

    /// <summary>Replaces a content record's labels (and so its label edges); NotFound when missing.</summary>
    Task<ContentRecord> UpdateContentLabelsAsync(string ns, string digest,
        Func<ContentRecord, IReadOnlyDictionary<string, string>> apply, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>A user's removal: FailedPrecondition (naming the holders) while an owner references it, a live lease holds it or another record's label points at it.</summary>
    Task<ContentRecord> RemoveContentAsync(string ns, string digest, DateTimeOffset now, Func<ContentRecord, EventFactory> makeEvent, CancellationToken cancellationToken);

    /// <summary>The collector's removal: only if, at this moment, nothing protects it (reference, live lease, root label, another record's label) and it predates the pass; else null.</summary>
    Task<ContentRecord?> TryCollectContentAsync(string ns, string digest, DateTimeOffset passStart, DateTimeOffset now,
        Func<ContentRecord, EventFactory> makeEvent, CancellationToken cancellationToken);

    Task<(IReadOnlyList<ContentRecord> Page, string? After)> ListContentAsync(string ns, FilterSet filters, int limit, string? after, CancellationToken cancellationToken);

    /// <summary>The whole graph, read consistently: candidates for a pass and the material of explain.</summary>
    Task<ResourceGraph> LoadGraphAsync(CancellationToken cancellationToken);

    /// <summary>Stores an event that is not part of another change (a pass's summary).</summary>
    Task AppendEventAsync(string kind, string ns, string id, EventFactory makeEvent, CancellationToken cancellationToken);
}
