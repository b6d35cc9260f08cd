using System.Globalization;
using Platform.Contracts.Tasks;

namespace Platform.Cli.Output;

/// <summary>Tasks for people: a block for one, a table for many, a table of processes.</summary>
internal static class TaskText
{
    public static string Status(TaskState state) => state.ToString().ToLowerInvariant();

    /// <summary>The exit status, <c>unknown</c> when the process ended without one, <c>-</c> while it has not ended.</summary>
    public static string Exit(int? status, DateTimeOffset? exitedAt) =>
        status is { } code ? Number(code) : exitedAt is null ? TextBlock.None : "unknown";

    public static Task WriteAsync(TextWriter output, TaskInfo task) =>
        TextBlock.WriteAsync(output,
        [
            ("Container", task.ContainerId),
            ("Namespace", task.Namespace),
            ("PID", Number(task.Pid)),
            ("Status", Status(task.Status)),
            ("Runtime", task.Runtime),
            ("Snapshotter", TextBlock.Or(task.Snapshotter)),
            ("Snapshot key", TextBlock.Or(task.SnapshotKey)),
            ("Created", ContainerText.Time(task.CreatedAt)),
            ("Started", Time(task.StartedAt)),
            ("Exit status", Exit(task.ExitStatus, task.ExitedAt)),
            ("Exited", Time(task.ExitedAt)),
            ("OOM killed", task.OomKilled ? "yes" : "no"),
            ("Limits", TaskLimitsText.Of(task.Resources)),
            ("Restarts", Number(task.RestartCount)),
            ("Execs", task.Execs.Count == 0
                ? TextBlock.None
                : string.Join('\n', task.Execs.Select(e => $"{e.ExecId} pid={Number(e.Pid)} {Status(e.Status)} exit={Exit(e.ExitStatus, e.ExitedAt)}"))),
            ("Health", HealthOutput.Text(task.Health)),
            ("Network", task.Network is null ? TextBlock.None : $"{task.Network} {TextBlock.Or(task.IpAddress)}"),
            ("Ports", task.Ports.Count == 0 ? TextBlock.None : string.Join('\n', task.Ports.Select(PortLine))),
        ]);

    public static Task WriteAsync(TextWriter output, IEnumerable<TaskInfo> tasks) =>
        TextTable.WriteAsync(output, ["CONTAINER", "PID", "STATUS", "RUNTIME", "EXIT"],
            tasks.Select(t => new[] { t.ContainerId, Number(t.Pid), Status(t.Status), t.Runtime, Exit(t.ExitStatus, t.ExitedAt) }));

    public static Task WriteAsync(TextWriter output, IEnumerable<ProcessInfo> processes) =>
        TextTable.WriteAsync(output, ["PID", "EXEC"], processes.Select(p => new[] { Number(p.Pid), TextBlock.Or(p.ExecId) }));

    /// <summary>docker port's line: <c>80/tcp -> 127.0.0.1:8080</c> (<c>0.0.0.0</c> for every address).</summary>
    public static string PortLine(PublishedPort p) => $"{Number(p.ContainerPort)}/{p.Protocol} -> {p.HostIp ?? "0.0.0.0"}:{Number(p.HostPort)}";

    /// <summary>What <c>tasks wait</c> prints: the status, or <c>unknown</c>.</summary>
    public static string ExitLine(TaskExit exit) => exit.ExitStatus is { } code ? Number(code) : "unknown";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset? time) => time is { } t ? ContainerText.Time(t) : TextBlock.None;
}
