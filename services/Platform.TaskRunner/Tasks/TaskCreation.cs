using Microsoft.Extensions.Logging;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Contracts.Tasks;
using Platform.Hosting.Commands;
using Platform.TaskRunner.Health;
using Platform.TaskRunner.Networks.Cni;
using Platform.TaskRunner.Policy;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks.Restarts;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// CreateTask: holds the container at the metadata service, admits its spec, references its snapshot, has the runtime
/// create the task and commits it with TaskCreated, all under the task's lock; then watches for its exit.
/// </summary>
public sealed class TaskCreation(
    ITaskStore store,
    ITaskRuntime runtime,
    PlatformClient platform,
    TaskReferences references,
    TaskPolicy policy,
    TaskLocks locks,
    ExitWatch watch,
    RestartSupervisor restarts,
    TaskNetworkResolver networks,
    TimeProvider clock,
    ILogger<TaskCreation> logger)
{
    private static readonly string HoldQueue = Contracts.QueueNames.Of<HoldContainer>();

    /// <param name="privileged">The caller holds a privileged grant in the namespace: the runtime policy is lifted.</param>
    /// <param name="byRestartPolicy">The container's restart policy creates the task again, not a user (<see cref="TaskRestarter"/>).</param>
    /// <param name="outcome">Makes the command's outcome from the reply, recorded with the task (<see cref="CommandOnce"/>).</param>
    public async Task<TaskInfo> CreateAsync(CreateTask request, bool privileged, CancellationToken cancellationToken, bool byRestartPolicy = false,
        Func<TaskInfo, CommandOutcome?>? outcome = null)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        using (await locks.LockAsync(ns, id, cancellationToken))
        {
            if (await store.GetAsync(ns, id, cancellationToken) is { } existing)
                throw PlatformException.AlreadyExists($"container {id} already has a task in namespace {ns} (it is {TaskRules.Name(existing.Status)})");

            // The hold (taken under this lock, which a deletion's CheckTaskHold waits for) and the read are one step at the
            // metadata service: a deletion either committed first (NotFound here) or will see the hold and ask (invariant 4).
            var createdAt = clock.GetUtcNow();
            var container = (await platform.RequestAsync<HoldContainer, HoldContainerResult>(HoldQueue,
                new HoldContainer { Namespace = ns, Id = id, Generation = createdAt.UtcTicks }, cancellationToken)).Container;
            var runtimeName = container.Runtime.Name; // the runtime refuses names it doesn't have, naming those it has
            // Before anything is referenced or mounted: a refused spec leaves nothing to undo.
            var admitted = policy.AdmitTask(ns, id, container.Spec, container.SnapshotKey is not null, privileged);
            var network = await networks.ResolveAsync(ns, container.Labels, privileged, cancellationToken);
            var task = new TaskRecord
            {
                Namespace = ns,
                ContainerId = id,
                Runtime = runtimeName,
                Status = TaskState.Created,
                Pid = 0,
                Snapshotter = container.SnapshotKey is null ? null : container.Snapshotter,
                SnapshotKey = container.SnapshotKey,
                CreatedAt = createdAt,
                Privileged = admitted.Privileged,
                Version = 1,
            }.WithHealthCheck(container.Labels);
            var handle = TaskRules.Handle(task);

            // The reference is taken before anything is mounted, so no collection can take the rootfs between mounting
            // and committing; the mounts are only read meanwhile (one round trip saved on every create).
            var mountsRead = container.SnapshotKey is null
                ? Task.FromResult<IReadOnlyList<Mount>?>(null)
                : ReadMountsAsync(container.SnapshotKey, container.Snapshotter, ns, cancellationToken);
            try
            {
                await references.AddAsync(task, cancellationToken);
            }
            catch
            {
                await mountsRead.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                throw;
            }
            try
            {
                var mounts = await mountsRead;
                var pid = await runtime.CreateAsync(new TaskLaunch(handle, admitted.SpecJson, mounts) { Network = network }, cancellationToken);
                task = task with { Pid = pid };
                try
                {
                    await store.CreateAsync(task, seq => new TaskCreated
                    {
                        EventId = Guid.NewGuid(), Timestamp = task.CreatedAt, Namespace = ns, Sequence = seq,
                        ContainerId = id, Pid = pid, Runtime = runtimeName, SnapshotKey = task.SnapshotKey, Privileged = task.Privileged,
                    }, cancellationToken, outcome?.Invoke(TaskRules.ToInfo(task)));
                }
                catch
                {
                    await runtime.CleanupAsync(handle, CancellationToken.None);
                    throw;
                }
            }
            catch
            {
                await references.ReleaseAsync(task, CancellationToken.None);
                throw;
            }

            watch.Watch(handle, null);
            await restarts.ArmAsync(task, container.Labels, privileged, byRestartPolicy, cancellationToken);
            logger.LogInformation("Task {Namespace}/{ContainerId} created with pid {Pid} ({Runtime})", ns, id, task.Pid, runtimeName);
            return TaskRules.ToInfo(task);
        }
    }

    private async Task<IReadOnlyList<Mount>?> ReadMountsAsync(string key, string? snapshotter, string ns, CancellationToken cancellationToken) =>
        (await platform.Snapshots.MountsAsync(key, snapshotter, ns, cancellationToken)).Mounts;
}
