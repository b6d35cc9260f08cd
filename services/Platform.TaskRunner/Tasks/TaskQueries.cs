using Platform.Common.Filters;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Networks.Cni;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks.Restarts;

namespace Platform.TaskRunner.Tasks;

/// <summary>GetTask, ListTasks and ListPids: reads, no lock.</summary>
public sealed class TaskQueries(ITaskStore store, ITaskRuntime runtime, IRestartStore restarts, TaskNetworks networks)
{
    /// <summary>
    /// The live task; once it is gone and the caller asks (<see cref="GetTask.IncludeStopped"/>), its last run as a
    /// stopped task while its exit is retained (docker inspect shows a container's last state after it exits, and a task
    /// here is deleted on exit); NotFound otherwise.
    /// </summary>
    public async Task<TaskInfo> GetAsync(GetTask request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        var task = await store.GetAsync(ns, id, cancellationToken);
        var restartCount = (await restarts.GetAsync(ns, id, cancellationToken))?.RestartCount ?? 0;
        if (task is not null)
            return WithResources(task, restartCount);
        if (request.IncludeStopped && await store.GetExitAsync(ns, id, null, cancellationToken) is { Runtime: { } runtime } exit)
            return new TaskInfo
            {
                Namespace = ns, ContainerId = id, Pid = exit.Pid, Status = TaskState.Stopped, Runtime = runtime,
                CreatedAt = exit.CreatedAt ?? exit.ExitedAt, StartedAt = exit.StartedAt, ExitStatus = exit.ExitStatus,
                ExitedAt = exit.ExitedAt, OomKilled = exit.OomKilled, RestartCount = restartCount,
            };
        // A task created meanwhile (between the two reads) is answered; otherwise NotFound.
        return WithResources(await store.GetRequiredAsync(ns, id, cancellationToken), restartCount);
    }

    // The limits in force live in the task's bundle, which UpdateTask keeps in step with runc.
    // So do its network, address and published ports, in its attachment record.
    private TaskInfo WithResources(TaskRecord task, int restartCount)
    {
        var attachment = task.Status == TaskState.Stopped ? null : networks.Read(TaskRules.Handle(task));
        return TaskRules.ToInfo(task) with
        {
            Resources = task.Status == TaskState.Stopped ? null : runtime.ReadResources(TaskRules.Handle(task)),
            RestartCount = restartCount,
            Network = attachment?.NetworkName,
            IpAddress = attachment?.Address,
            Ports = attachment is null ? [] : [.. attachment.Ports.Select(p => new PublishedPort
            {
                HostIp = p.HostIp, HostPort = p.HostPort, ContainerPort = p.ContainerPort, Protocol = p.Protocol,
            })],
        };
    }

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
