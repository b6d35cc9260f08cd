using Platform.Common.Health;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Health;

internal static class TaskHealthRecords
{
    /// <summary>
    /// A new task with its container's health check (label <see cref="HealthCheck.Label"/>), kept on the task so probes
    /// resume after a runner restart without asking the metadata service; InvalidArgument naming the label when malformed.
    /// </summary>
    public static TaskRecord WithHealthCheck(this TaskRecord task, IReadOnlyDictionary<string, string>? labels) =>
        HealthCheck.FromLabels(labels) is { } check
            ? task with { HealthCheck = check.ToJson(), Health = HealthStatusMachine.Initial }
            : task;
}
