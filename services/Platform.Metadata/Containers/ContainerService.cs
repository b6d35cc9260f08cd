using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Common.Limits;
using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Common.Paging;
using Platform.Contracts.Containers;
using Platform.Hosting.Commands;
using Platform.Metadata.Store;

namespace Platform.Metadata.Containers;

/// <summary>
/// The container use cases behind the consumers: validate, take references, write with the event, reply.
/// No lock is held on anything: concurrent writers meet at the store's version check. Writes given a
/// <see cref="CommandKey"/> run once per key: a redelivery gets the first outcome (<see cref="CommandOnce"/>).
/// </summary>
public sealed class ContainerService(
    IContainerStore store, ISnapshotReferences references, ITaskGuard tasks, SpecPolicy policy, TimeProvider clock, ILogger<ContainerService> logger,
    IOptions<ObjectLimits>? limits = null, [FromKeyedServices(MetadataDatabase.Name)] CommandOnce? commands = null)
{
    private readonly ObjectLimits _limits = limits?.Value ?? new ObjectLimits();
    private readonly CommandOnce _once = commands ?? CommandOnce.Unrecorded;

    public const int DefaultPageSize = PageLimits.Default;
    public const int MaxPageSize = PageLimits.Max;

    private const string TokenTag = "c1";

    // A write that lost a race (no expected version given) re-reads and re-applies this many times.
    private const int MaxWriteAttempts = 8;

    /// <param name="privileged">The caller holds a privileged grant in the namespace: the runtime policy is lifted.</param>
    /// <param name="command">The command's key: a second delivery of it returns the container the first one created.</param>
    public Task<Container> CreateAsync(CreateContainer request, bool privileged, CancellationToken cancellationToken, CommandKey? command = null) =>
        _once.RunAsync<Container>(command, outcome => CreateOnceAsync(request, privileged, outcome, cancellationToken), cancellationToken);

    private async Task<Container> CreateOnceAsync(CreateContainer request, bool privileged, Func<Container, CommandOutcome?> outcome,
        CancellationToken cancellationToken)
    {
        var container = ContainerRules.ForCreate(request, clock.GetUtcNow());
        CheckLimits(container);
        policy.Check(container, privileged);
        // Checked early only when a snapshot reference would be taken for nothing; the store refuses duplicates anyway.
        if (container.SnapshotKey is not null && await store.GetAsync(container.Namespace, container.Id, cancellationToken) is not null)
            throw ContainerRules.AlreadyExists(container.Namespace, container.Id);

        await references.AddAsync(container, cancellationToken);
        try
        {
            await store.CreateAsync(container, seq => new ContainerCreated
            {
                EventId = Guid.NewGuid(),
                Timestamp = container.CreatedAt,
                Namespace = container.Namespace,
                Sequence = seq,
                Container = container,
            }, cancellationToken, outcome(container));
        }
        catch
        {
            await ReleaseUnlessStoredAsync(container);
            throw;
        }
        logger.LogDebug("Container {Namespace}/{ContainerId} created", container.Namespace, container.Id);
        return container;
    }

    public async Task<Container> GetAsync(GetContainer request, CancellationToken cancellationToken)
    {
        var (ns, id) = ContainerRules.Address(request.Namespace, request.Id);
        return await store.GetAsync(ns, id, cancellationToken) ?? throw ContainerRules.NotFound(ns, id);
    }

    public async Task<ListContainersResult> ListAsync(ListContainers request, CancellationToken cancellationToken)
    {
        var ns = ContainerRules.NamespaceOf(request.Namespace);
        Common.Identifiers.Identifiers.Validate(ns, "namespace");
        var filters = FilterSet.Parse(request.Filters);
        var page = await store.ListAsync(ns, filters, PageLimits.Of(request.Limit), ContinuationTokens.Decode(TokenTag, request.ContinuationToken), cancellationToken);
        // A page of big containers stops early, so the reply stays a size the broker and the caller handle well.
        var fit = _limits.FitPage(page.Containers, SizeOf);
        if (fit < page.Containers.Count)
            return new ListContainersResult { Containers = page.Containers.Take(fit).ToList(), ContinuationToken = ContinuationTokens.Encode(TokenTag, page.Containers[fit - 1].Id) };
        return new ListContainersResult { Containers = page.Containers, ContinuationToken = ContinuationTokens.Encode(TokenTag, page.After) };
    }

    /// <param name="privileged">The caller holds a privileged grant in the namespace: the runtime policy is lifted.</param>
    /// <param name="command">The command's key: a second delivery of it returns the container as the first one left it.</param>
    public Task<Container> UpdateAsync(UpdateContainer request, bool privileged, CancellationToken cancellationToken, CommandKey? command = null) =>
        _once.RunAsync<Container>(command, outcome => UpdateOnceAsync(request, privileged, outcome, cancellationToken), cancellationToken);

    private async Task<Container> UpdateOnceAsync(UpdateContainer request, bool privileged, Func<Container, CommandOutcome?> outcome,
        CancellationToken cancellationToken)
    {
        var (ns, id) = ContainerRules.Address(request.Namespace, request.Id);
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.GetAsync(ns, id, cancellationToken) ?? throw ContainerRules.NotFound(ns, id);
            ContainerRules.CheckExpectedVersion(stored, request.ExpectedVersion);
            var updated = ContainerRules.ApplyUpdate(stored, request, clock.GetUtcNow());
            CheckLimits(updated);
            // What the policy judges is the spec and whether there is a snapshot; a label change needs no grant.
            if (updated.Spec != stored.Spec || (updated.SnapshotKey is null) != (stored.SnapshotKey is null))
                policy.Check(updated, privileged);
            var snapshotMoved = updated.SnapshotKey != stored.SnapshotKey;
            if (snapshotMoved)
                await references.AddAsync(updated, cancellationToken);

            bool written;
            try
            {
                written = await store.UpdateAsync(updated, stored.Version, seq => new ContainerUpdated
                {
                    EventId = Guid.NewGuid(),
                    Timestamp = updated.UpdatedAt,
                    Namespace = ns,
                    Sequence = seq,
                    Container = updated,
                    PreviousSnapshotKey = snapshotMoved ? stored.SnapshotKey : null,
                }, cancellationToken, outcome(updated));
            }
            catch
            {
                if (snapshotMoved)
                    await ReleaseUnlessStoredAsync(updated);
                throw;
            }

            if (written)
            {
                logger.LogDebug("Container {Namespace}/{ContainerId} updated to version {Version}", ns, id, updated.Version);
                return updated;
            }
            if (snapshotMoved)
                await ReleaseUnlessStoredAsync(updated);
            if (request.ExpectedVersion is not null || attempt == MaxWriteAttempts)
                throw PlatformException.FailedPrecondition($"container {ns}/{id} was changed concurrently; get it again and retry");
        }
    }

    /// <summary>
    /// Deletes the container unless its task lives (DESIGN.md invariant 4). A container no task holds is deleted without
    /// asking the task runner; one that a task holds (or may: a hold whose task is gone, or unknown) is deleted only once
    /// the runner says it has no task, or has killed and deleted it when forced. The deletion commits only if the hold is
    /// still the one seen, so a task create that recorded its hold meanwhile makes this attempt read again and ask; and a
    /// create whose hold comes after the deletion finds no container (NotFound) and creates nothing.
    /// </summary>
    /// <param name="command">The command's key: a second delivery of it returns the container the first one deleted.</param>
    public Task<Container> DeleteAsync(DeleteContainer request, CancellationToken cancellationToken, CommandKey? command = null) =>
        _once.RunAsync<Container>(command, outcome => DeleteOnceAsync(request, outcome, cancellationToken), cancellationToken);

    private async Task<Container> DeleteOnceAsync(DeleteContainer request, Func<Container, CommandOutcome?> outcome, CancellationToken cancellationToken)
    {
        var (ns, id) = ContainerRules.Address(request.Namespace, request.Id);
        for (var attempt = 1; ; attempt++)
        {
            var (stored, hold) = await store.GetWithHoldAsync(ns, id, cancellationToken) ?? throw ContainerRules.NotFound(ns, id);
            ContainerRules.CheckExpectedVersion(stored, request.ExpectedVersion);
            if (!hold.IsNone)
                await tasks.EnsureDeletableAsync(stored, request.Force, cancellationToken);
            var deleted = await store.DeleteAsync(ns, id, stored.Version, hold, seq => new ContainerDeleted
            {
                EventId = Guid.NewGuid(),
                Timestamp = clock.GetUtcNow(),
                Namespace = ns,
                Sequence = seq,
                Id = id,
                Snapshotter = stored.Snapshotter,
                SnapshotKey = stored.SnapshotKey,
                Image = stored.Image,
                Labels = stored.Labels,
                CreatedAt = stored.CreatedAt,
            }, cancellationToken, outcome(stored));
            if (deleted)
            {
                logger.LogDebug("Container {Namespace}/{ContainerId} deleted", ns, id);
                return stored;
            }
            if (request.ExpectedVersion is not null || attempt == MaxWriteAttempts)
                throw PlatformException.FailedPrecondition($"container {ns}/{id} was changed concurrently; get it again and retry");
        }
    }

    /// <summary>
    /// The task runner, creating the container's task, records its hold and gets the container (see <see cref="HoldContainer"/>).
    /// NotFound when the container is gone: a deletion committed first, so no task may be made from it.
    /// </summary>
    public async Task<Container> HoldAsync(HoldContainer request, CancellationToken cancellationToken)
    {
        var (ns, id) = ContainerRules.Address(request.Namespace, request.Id);
        if (request.Generation <= 0)
            throw PlatformException.InvalidArgument($"generation must be positive (got {request.Generation})");
        return await store.HoldAsync(ns, id, request.Generation, cancellationToken) ?? throw ContainerRules.NotFound(ns, id);
    }

    /// <summary>A task was deleted: the hold it took on its container goes, unless a later task of the container holds it now.</summary>
    public async Task ReleaseHoldAsync(string @namespace, string id, long generation, CancellationToken cancellationToken)
    {
        if (await store.ReleaseAsync(@namespace, id, generation, cancellationToken))
            logger.LogDebug("Container {Namespace}/{ContainerId} released by its task", @namespace, id);
    }

    /// <summary>
    /// Gives back the snapshot reference a failed write took, unless the stored container now holds that same reference: a
    /// concurrent delivery of the same command (or a create of the same id with the same snapshot) committed it, and removing
    /// it would leave a live container's snapshot collectable.
    /// </summary>
    private async Task ReleaseUnlessStoredAsync(Container attempted)
    {
        var now = await store.GetAsync(attempted.Namespace, attempted.Id, CancellationToken.None);
        if (now is null || now.Snapshotter != attempted.Snapshotter || now.SnapshotKey != attempted.SnapshotKey)
            await references.RemoveAsync(attempted, CancellationToken.None);
    }

    private void CheckLimits(Container c)
    {
        var owner = $"container {c.Id}";
        _limits.CheckSpec(c.Spec, owner);
        _limits.CheckLabels(c.Labels, owner);
        _limits.CheckExtensions(c.Extensions, owner);
    }

    private static long SizeOf(Container c) =>
        ObjectLimits.Bytes(c.Spec) + ObjectLimits.SizeOf(c.Labels) + ObjectLimits.SizeOf(c.Extensions) + ObjectLimits.Bytes(c.Runtime.Options) + 512;
}
