using Platform.Common.Filters;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks.Restarts;

namespace Platform.TaskRunner.Tasks;

/// <summary>GetTask, ListTasks and ListPids: reads, no lock.</summary>
public sealed class TaskQueries(ITaskStore store, ITaskRuntime runtime, IRestartStore restarts)
{
    public async Task<TaskInfo> GetAsync(GetTask request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        var task = await store.GetRequiredAsync(ns, id, cancellationToken);
        return WithResources(task, (await restarts.GetAsync(ns, id, cancellationToken))?.RestartCount ?? 0);
    }

    // The limits in force live in the task's bundle, which UpdateTask keeps in step with runc.
    private TaskInfo WithResources(TaskRecord task, int restartCount) =>
        TaskRules.ToInfo(task) with
        {
            Resources = task.Status == TaskState.Stopped ? null : runtime.ReadResources(TaskRules.Handle(task)),
            RestartCount = restartCount,
        };

    public async Task<IReadOnlyList<TaskInfo>> ListAsync(ListTasks request, CancellationToken cancellationToken)
    {
        var ns = TaskRules.NamespaceOf(request.Namespace);
        var filters = FilterSet.Parse(request.Filters);
        var tasks = await store.ListAsync(ns, cancellationToken);
        var counts = (await restarts.ListAsync(cancellationToken)).Where(r => r.Namespace == ns).ToDictionary(r => r.ContainerId, r => r.RestartCount);
        return tasks.Where(t => filters.Match(new TaskFields(t))).Select(t => WithResources(t, counts.GetValueOrDefault(t.ContainerId))).ToList();
    }

    public async Task<IReadOnlyList<ProcessInfo>> ListPidsAsync(ListPids request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        var task = await store.GetRequiredAsync(ns, id, cancellationToken);
        if (task.Status == TaskState.Stopped)
            throw TaskRules.Illegal(task, "list the processes of");
        var pids = await runtime.ListPidsAsync(TaskRules.Handle(task), cancellationToken);
        var execs = task.Execs.Where(e => e.Status == TaskState.Running).ToDictionary(e => e.Pid, e => e.ExecId);
        return pids.Select(p => new ProcessInfo { Pid = p, ExecId = execs.GetValueOrDefault(p) }).ToList();
    }
}
