using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>The health of a task whose container has a health check (label <c>platform.io/health.check</c>), as docker's <c>State.Health</c>.</summary>
[MessageUrn("platform:tasks:TaskHealth")]
public sealed record TaskHealth
{
    /// <summary>Required. <c>starting</c> (until the first success or enough failures), <c>healthy</c> or <c>unhealthy</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Required. Consecutive failed probes that counted (failures in the start period don't).</summary>
    public required int FailingStreak { get; init; }

    /// <summary>Required (may be empty). The last 5 probes, oldest first.</summary>
    public IReadOnlyList<HealthProbe> Log { get; init; } = [];
}
