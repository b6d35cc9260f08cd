using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks;

namespace Platform.TaskRunner.Stats;

/// <summary>ListTaskStats and TopTask: reads of live tasks' cgroups and processes, no lock.</summary>
public sealed class TaskStatsQueries(ITaskStore store, ITaskRuntime runtime, TaskStatsReader reader, StatsRoots roots)
{
    public async Task<IReadOnlyList<TaskStats>> ListAsync(ListTaskStats request, CancellationToken cancellationToken)
    {
        var ns = TaskRules.NamespaceOf(request.Namespace);
        var tasks = new List<TaskRecord>();
        if (request.ContainerIds.Count > 0)
        {
            foreach (var given in request.ContainerIds)
            {
                var (_, id) = TaskRules.Address(ns, given);
                tasks.Add(await store.GetRequiredAsync(ns, id, cancellationToken));
            }
        }
        else
        {
            tasks.AddRange((await store.ListAsync(ns, cancellationToken))
                .Where(t => request.All || t.Status is TaskState.Running or TaskState.Paused));
        }
        return tasks.Select(Sample).ToList();
    }

    public async Task<IReadOnlyList<TopProcess>> TopAsync(TopTask request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        var task = await store.GetRequiredAsync(ns, id, cancellationToken);
        if (task.Status == TaskState.Stopped)
            throw TaskRules.Illegal(task, "list the processes of");
        var pids = await runtime.ListPidsAsync(TaskRules.Handle(task), cancellationToken);
        var boot = HostCpu.Read(roots.Proc).BootTime;
        var users = ContainerUsers.Of(roots.Proc, task.Pid);
        return pids.Select(pid => ProcProcess.Read(roots.Proc, pid, boot, users)).OfType<TopProcess>().ToList();
    }

    private TaskStats Sample(TaskRecord task) => task.Status is TaskState.Running or TaskState.Paused
        ? reader.Read(task.ContainerId, task.Status, runtime.CgroupPath(TaskRules.Handle(task)), task.Pid)
        : reader.Idle(task.ContainerId, task.Status);
}
