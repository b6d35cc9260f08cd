using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Policy;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// ExecProcess: an extra process in a running task, admitted by the runtime policy, recorded with TaskExecStarted under
/// the task's lock and watched for its exit like the init process.
/// </summary>
public sealed class TaskExecs(
    ITaskStore store,
    ITaskRuntime runtime,
    TaskPolicy policy,
    TaskLocks locks,
    ExitWatch watch,
    TimeProvider clock,
    IOptions<TaskRunnerOptions> options)
{
    /// <param name="privileged">The caller holds a privileged grant in the namespace: the runtime policy is lifted.</param>
    public async Task<ExecProcessResult> ExecAsync(ExecProcess request, bool privileged, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        TaskRules.ValidateExecId(request.ExecId);
        var execId = request.ExecId!;
        if (string.IsNullOrWhiteSpace(request.Process))
            throw PlatformException.InvalidArgument("process is required: an OCI process spec (JSON object with args)");
        using (await locks.LockAsync(ns, id, cancellationToken))
        {
            var task = await store.GetRequiredAsync(ns, id, cancellationToken);
            if (task.Status != TaskState.Running)
                throw TaskRules.Illegal(task, "exec in");
            if (task.Execs.Any(e => e.ExecId == execId))
                throw PlatformException.AlreadyExists($"task of container {id} already has an exec process {execId}");
            if (task.Execs.Count >= options.Value.MaxExecsPerTask)
                throw PlatformException.ResourceExhausted(
                    $"task of container {id} has {task.Execs.Count} exec processes (running or exited, each with its log), the limit (TaskRunner:MaxExecsPerTask); delete and start the task again for more");
            policy.AdmitExec(ns, id, execId, request.Process!, task.Privileged, privileged);
            var handle = TaskRules.Handle(task);
            var pid = await runtime.ExecAsync(handle, execId, request.Process, request.Stdin, cancellationToken);
            var exec = new ExecRecord { ExecId = execId, Pid = pid, Status = TaskState.Running };
            var updated = task with { Execs = [.. task.Execs, exec], Version = task.Version + 1 };
            await store.UpdateLockedAsync(updated, task.Version, seq => new TaskExecStarted
            {
                EventId = Guid.NewGuid(), Timestamp = clock.GetUtcNow(), Namespace = ns, Sequence = seq, ContainerId = id, ExecId = execId, Pid = pid,
            }, cancellationToken);
            watch.Watch(handle, execId);
            return new ExecProcessResult { ContainerId = id, ExecId = execId, Pid = pid };
        }
    }
}
