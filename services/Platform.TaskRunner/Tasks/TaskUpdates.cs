using Platform.Common.Errors;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// UpdateTask: a live task's cgroup limits changed under its lock (so no exit or delete runs meanwhile), checked
/// here with the rules <c>run</c>'s flags follow, then <c>runc update</c>, then TaskUpdated with the limits in force
/// (which the reply's task carries too).
/// </summary>
public sealed class TaskUpdates(ITaskStore store, ITaskRuntime runtime, TaskLocks locks, TimeProvider clock)
{
    /// <summary>docker's minimum memory limit.</summary>
    public const long MinimumMemory = 6 * 1024 * 1024;

    public async Task<TaskInfo> UpdateAsync(UpdateTask request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        var change = request.Resources ?? throw PlatformException.InvalidArgument("resources is required: the limits to change");
        Validate(change);
        using (await locks.LockAsync(ns, id, cancellationToken))
        {
            var task = await store.GetRequiredAsync(ns, id, cancellationToken);
            if (task.Status == TaskState.Stopped)
                throw TaskRules.Illegal(task, "update");
            var handle = TaskRules.Handle(task);
            await runtime.UpdateResourcesAsync(handle, change, cancellationToken);
            var resources = runtime.ReadResources(handle);
            // A version step that carries the TaskUpdated event, in the same write (the outbox's rule).
            var updated = task with { Version = task.Version + 1 };
            await store.UpdateLockedAsync(updated, task.Version, seq => new TaskUpdated
            {
                EventId = Guid.NewGuid(), Timestamp = clock.GetUtcNow(), Namespace = ns, Sequence = seq, ContainerId = id, Resources = resources,
            }, cancellationToken);
            return TaskRules.ToInfo(updated) with { Resources = resources };
        }
    }

    /// <summary>InvalidArgument naming the field and its rule; nothing given at all is refused too.</summary>
    public static void Validate(TaskResources r)
    {
        if (r is { MemoryBytes: null, MemorySwapBytes: null, CpuQuota: null, CpuPeriod: null, CpuShares: null, PidsLimit: null })
            throw PlatformException.InvalidArgument("resources: give at least one limit to change");
        if (r.MemoryBytes is < MinimumMemory)
            throw PlatformException.InvalidArgument($"resources.memoryBytes: must be at least 6 MiB ({MinimumMemory}), got {r.MemoryBytes}");
        if (r.MemorySwapBytes is { } swap && swap != -1 && (swap < MinimumMemory || (r.MemoryBytes is { } memory && swap < memory)))
            throw PlatformException.InvalidArgument("resources.memorySwapBytes: must be -1 (unlimited) or at least the memory limit");
        if (r.CpuQuota is { } quota && quota != -1 && quota < 1000)
            throw PlatformException.InvalidArgument($"resources.cpuQuota: must be -1 or at least 1000 microseconds, got {quota}");
        if (r.CpuPeriod is < 1000 or > 1_000_000)
            throw PlatformException.InvalidArgument($"resources.cpuPeriod: must be from 1000 to 1000000 microseconds, got {r.CpuPeriod}");
        if (r.CpuShares is < 2 or > 262_144)
            throw PlatformException.InvalidArgument($"resources.cpuShares: must be from 2 to 262144, got {r.CpuShares}");
        if (r.PidsLimit is { } pids && pids != -1 && pids < 1)
            throw PlatformException.InvalidArgument($"resources.pidsLimit: must be -1 (unlimited) or positive, got {pids}");
    }
}
