using Platform.Common.Health;
using Platform.Contracts.Tasks;

namespace Platform.TaskRunner.Health;

/// <summary>
/// docker's health state machine, pure but for the clock: a task starts <c>starting</c>; a successful probe makes it
/// <c>healthy</c> and resets the failing streak; a failed probe adds to the streak, and <see cref="HealthCheck.Retries"/>
/// consecutive failures make it <c>unhealthy</c>, except during the start period (from the task's start, while still
/// <c>starting</c>), when failures don't count. Keeps the last <see cref="LogEntries"/> probes.
/// </summary>
public sealed class HealthStatusMachine(TimeProvider clock)
{
    /// <summary>How many probes the health keeps (docker's maxLogEntries).</summary>
    public const int LogEntries = 5;

    public static TaskHealth Initial { get; } = new() { Status = HealthStatuses.Starting, FailingStreak = 0 };

    /// <summary>The health after <paramref name="probe"/> of a task started at <paramref name="startedAt"/>.</summary>
    public HealthStep Apply(HealthCheck check, TaskHealth current, DateTimeOffset startedAt, HealthProbe probe)
    {
        var log = current.Log.Skip(Math.Max(0, current.Log.Count - (LogEntries - 1))).Append(probe).ToList();
        var (status, streak) = (current.Status, current.FailingStreak);
        if (probe.ExitCode == 0)
            (status, streak) = (HealthStatuses.Healthy, 0);
        else if (!InStartPeriod(check, current, startedAt))
        {
            streak++;
            if (streak >= check.Retries)
                status = HealthStatuses.Unhealthy;
        }
        return new HealthStep(new TaskHealth { Status = status, FailingStreak = streak, Log = log }, status != current.Status, current.Status);
    }

    /// <summary>How long to wait before the next probe: the start interval during the start period, else the interval.</summary>
    public TimeSpan NextDelay(HealthCheck check, TaskHealth current, DateTimeOffset startedAt) =>
        InStartPeriod(check, current, startedAt) ? check.StartInterval : check.Interval;

    private bool InStartPeriod(HealthCheck check, TaskHealth current, DateTimeOffset startedAt) =>
        current.Status == HealthStatuses.Starting && check.StartPeriod > TimeSpan.Zero && clock.GetUtcNow() < startedAt + check.StartPeriod;
}
