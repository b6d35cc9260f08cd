using Platform.Contracts.Tasks;
using Platform.TaskRunner.Store;
using Xunit;

namespace Platform.TaskRunner.Tests.Store;

/// <summary>Tasks with every field set, so a store that loses or rounds a field shows up.</summary>
internal static class TaskSamples
{
    public const string Runtime = "io.containerd.runc.v2";

    /// <summary>Not a whole number of milliseconds: a store that rounds (BSON dates do) shows up.</summary>
    public static readonly DateTimeOffset Epoch = new DateTimeOffset(2025, 3, 14, 15, 9, 26, TimeSpan.Zero).AddTicks(5_358_979);

    /// <summary>A stopped task with a started and an exited exec, every optional field set.</summary>
    public static TaskRecord Full(string @namespace, string containerId) => new()
    {
        Namespace = @namespace,
        ContainerId = containerId,
        Runtime = Runtime,
        Status = TaskState.Stopped,
        Pid = 4242,
        Snapshotter = "overlayfs",
        SnapshotKey = containerId + "-snapshot",
        CreatedAt = Epoch,
        StartedAt = Epoch.AddTicks(1),
        ExitStatus = 137,
        ExitedAt = Epoch.AddSeconds(3).AddTicks(7),
        Execs =
        [
            new ExecRecord { ExecId = "shell", Pid = 4300, Status = TaskState.Running },
            new ExecRecord { ExecId = "probe", Pid = 4301, Status = TaskState.Stopped, ExitStatus = 2, ExitedAt = Epoch.AddSeconds(2).AddTicks(3) },
        ],
        Privileged = true,
        Version = 1,
    };

    /// <summary>A task as the runtime just created it: no snapshot, not started, no execs.</summary>
    public static TaskRecord Minimal(string @namespace, string containerId) => new()
    {
        Namespace = @namespace,
        ContainerId = containerId,
        Runtime = Runtime,
        Status = TaskState.Created,
        Pid = 0,
        CreatedAt = Epoch,
        Version = 1,
    };

    /// <summary>The next version of a task, as the service writes it.</summary>
    public static TaskRecord Next(TaskRecord task, Func<TaskRecord, TaskRecord> change) => change(task) with { Version = task.Version + 1 };

    public static TaskRecord Started(TaskRecord task, int pid = 100) =>
        Next(task, t => t with { Status = TaskState.Running, Pid = pid, StartedAt = Epoch.AddSeconds(1) });

    public static TaskRecord Stopped(TaskRecord task, int? exitStatus, DateTimeOffset exitedAt) =>
        Next(task, t => t with { Status = TaskState.Stopped, ExitStatus = exitStatus, ExitedAt = exitedAt });
}

internal static class TaskAssert
{
    /// <summary>Every field equal; the execs compared by value (the record compares lists by reference).</summary>
    public static void Same(TaskRecord expected, TaskRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Execs = Array.Empty<ExecRecord>(), Health = null }, actual with { Execs = Array.Empty<ExecRecord>(), Health = null });
        Assert.Equal(expected.Execs, actual.Execs);
        Assert.Equal(expected.Health?.Log, actual.Health?.Log);
        Assert.Equal(expected.Health is null ? null : expected.Health with { Log = [] }, actual.Health is null ? null : actual.Health with { Log = [] });
        Assert.Equal(TimeSpan.Zero, actual.CreatedAt.Offset);
    }
}

internal static class MongoUris
{
    /// <summary>A server that is configured but down should fail a test in seconds, not after the driver's 30.</summary>
    public static string WithShortServerSelection(string uri)
    {
        if (uri.Contains("serverSelectionTimeoutMS", StringComparison.OrdinalIgnoreCase))
            return uri;
        if (uri.Contains('?'))
            return uri + "&serverSelectionTimeoutMS=5000";
        // Options need the '/' that ends the host list: mongodb://host/?options.
        var hosts = uri.IndexOf("://", StringComparison.Ordinal) + 3;
        return uri + (uri.IndexOf('/', hosts) < 0 ? "/" : "") + "?serverSelectionTimeoutMS=5000";
    }
}
