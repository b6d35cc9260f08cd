using System.Text.Json.Nodes;
using Platform.Contracts.Tasks;

namespace Platform.Cli.Output;

/// <summary>Tasks, exits and processes as JSON: always every field, absent ones as null, states as lower-case words.</summary>
internal static class TaskJson
{
    public static JsonObject ToJson(TaskInfo task) => new()
    {
        ["containerId"] = task.ContainerId,
        ["namespace"] = task.Namespace,
        ["pid"] = task.Pid,
        ["status"] = TaskText.Status(task.Status),
        ["runtime"] = task.Runtime,
        ["snapshotter"] = task.Snapshotter,
        ["snapshotKey"] = task.SnapshotKey,
        ["createdAt"] = Json.Time(task.CreatedAt),
        ["startedAt"] = Time(task.StartedAt),
        ["exitStatus"] = task.ExitStatus,
        ["exitedAt"] = Time(task.ExitedAt),
        ["oomKilled"] = task.OomKilled,
        ["restartCount"] = task.RestartCount,
        ["execs"] = new JsonArray([.. task.Execs.Select(e => (JsonNode)new JsonObject
        {
            ["execId"] = e.ExecId,
            ["pid"] = e.Pid,
            ["status"] = TaskText.Status(e.Status),
            ["exitStatus"] = e.ExitStatus,
            ["exitedAt"] = Time(e.ExitedAt),
        })]),
        ["resources"] = task.Resources is { } r
            ? new JsonObject
            {
                ["memoryBytes"] = r.MemoryBytes, ["memorySwapBytes"] = r.MemorySwapBytes, ["cpuQuota"] = r.CpuQuota,
                ["cpuPeriod"] = r.CpuPeriod, ["cpuShares"] = r.CpuShares, ["pidsLimit"] = r.PidsLimit,
            }
            : null,
        ["health"] = HealthOutput.ToJson(task.Health),
        ["network"] = task.Network,
        ["ipAddress"] = task.IpAddress,
        ["ports"] = new JsonArray([.. task.Ports.Select(p => (JsonNode)new JsonObject
        {
            ["hostIp"] = p.HostIp, ["hostPort"] = p.HostPort, ["containerPort"] = p.ContainerPort, ["protocol"] = p.Protocol,
        })]),
    };

    /// <summary><c>{exitStatus, exitedAt}</c>: how a process ended; the status is null when unknown.</summary>
    public static JsonObject ToJson(TaskExit exit) => new()
    {
        ["exitStatus"] = exit.ExitStatus,
        ["exitedAt"] = Json.Time(exit.ExitedAt),
        ["oomKilled"] = exit.OomKilled,
    };

    public static Task WriteAsync(TextWriter output, TaskInfo task) =>
        output.WriteLineAsync(ToJson(task).ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, IEnumerable<TaskInfo> tasks) =>
        output.WriteLineAsync(new JsonArray([.. tasks.Select(t => (JsonNode)ToJson(t))]).ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, TaskExit exit) =>
        output.WriteLineAsync(ToJson(exit).ToJsonString(Json.Indented));

    /// <summary>What <c>tasks rm</c> removed: <c>[{task, exit}]</c>, the exit null when the task never started.</summary>
    public static Task WriteAsync(TextWriter output, IEnumerable<DeleteTaskResult> deleted) =>
        output.WriteLineAsync(new JsonArray([.. deleted.Select(d => (JsonNode)new JsonObject
        {
            ["task"] = ToJson(d.Task),
            ["exit"] = d.Exit is { } exit ? ToJson(exit) : null,
        })]).ToJsonString(Json.Indented));

    public static Task WriteAsync(TextWriter output, IEnumerable<ProcessInfo> processes) =>
        output.WriteLineAsync(new JsonArray([.. processes.Select(p => (JsonNode)new JsonObject
        {
            ["pid"] = p.Pid,
            ["execId"] = p.ExecId,
        })]).ToJsonString(Json.Indented));

    private static JsonNode? Time(DateTimeOffset? time) => time is { } t ? Json.Time(t) : null;
}
