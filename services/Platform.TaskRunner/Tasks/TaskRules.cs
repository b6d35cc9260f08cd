using Platform.Common.Errors;
using Platform.Common.Identifiers;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks;

/// <summary>Validation, addressing and the wording of refusals, in one place.</summary>
public static class TaskRules
{
    public const string DefaultNamespace = "default";
    public const int MaxWaitSeconds = 60;
    public const int MaxLogWaitSeconds = 30;
    public const int DefaultLogBytes = 64 * 1024;
    public const int MaxLogBytes = 1024 * 1024;

    public static (string Namespace, string ContainerId) Address(string? @namespace, string? containerId)
    {
        var ns = string.IsNullOrEmpty(@namespace) ? DefaultNamespace : @namespace;
        Identifiers.Validate(ns, "namespace");
        if (string.IsNullOrEmpty(containerId))
            throw PlatformException.InvalidArgument("containerId is required");
        Identifiers.Validate(containerId, "containerId");
        return (ns, containerId);
    }

    public static string NamespaceOf(string? @namespace)
    {
        var ns = string.IsNullOrEmpty(@namespace) ? DefaultNamespace : @namespace;
        Identifiers.Validate(ns, "namespace");
        return ns;
    }

    public static void ValidateExecId(string? execId)
    {
        if (string.IsNullOrEmpty(execId))
            throw PlatformException.InvalidArgument("execId is required");
        Identifiers.Validate(execId, "execId");
        if (execId == Health.HealthProber.ExecId)
            throw PlatformException.InvalidArgument($"execId \"{execId}\" is reserved for the task runner's health probes; pick another");
    }

    public static int Signal(int signal) => signal switch
    {
        0 => 15,
        >= 1 and <= 64 => signal,
        _ => throw PlatformException.InvalidArgument($"signal must be a signal number from 1 to 64 (got {signal})"),
    };

    public static PlatformException NotFound(string ns, string id) =>
        PlatformException.NotFound($"container {id} has no task in namespace {ns}");

    public static PlatformException ExecNotFound(string ns, string id, string execId) =>
        PlatformException.NotFound($"task of container {id} in namespace {ns} has no exec process {execId}");

    public static PlatformException Illegal(TaskRecord task, string action) =>
        PlatformException.FailedPrecondition($"cannot {action} the task of container {task.ContainerId}: it is {Name(task.Status)}");

    public static string Name(TaskState state) => state.ToString().ToLowerInvariant();

    public static TaskInfo ToInfo(TaskRecord r) => new()
    {
        Namespace = r.Namespace,
        ContainerId = r.ContainerId,
        Pid = r.Pid,
        Status = r.Status,
        Runtime = r.Runtime,
        Snapshotter = r.Snapshotter,
        SnapshotKey = r.SnapshotKey,
        CreatedAt = r.CreatedAt,
        StartedAt = r.StartedAt,
        ExitStatus = r.ExitStatus,
        ExitedAt = r.ExitedAt,
        Execs = r.Execs.Select(e => new ExecProcessInfo { ExecId = e.ExecId, Pid = e.Pid, Status = e.Status, ExitStatus = e.ExitStatus, ExitedAt = e.ExitedAt }).ToList(),
        Health = r.Health,
    };

    /// <summary>What the runtime needs to know of a task to act on it.</summary>
    public static TaskHandle Handle(TaskRecord task) => new(task.Namespace, task.ContainerId, task.Runtime);

    public static TaskExit ToExit(ExitRecord e) => new()
    {
        ContainerId = e.ContainerId, ExecId = e.ExecId, Pid = e.Pid, ExitStatus = e.ExitStatus, ExitedAt = e.ExitedAt, OomKilled = e.OomKilled,
    };
}
