using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>One run of a task's health check probe, as docker's <c>State.Health.Log</c> entries.</summary>
[MessageUrn("platform:tasks:HealthProbe")]
public sealed record HealthProbe
{
    /// <summary>Required. When the probe started.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>Required. When it ended (or was killed at its timeout).</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>Required. 0 healthy; anything else a failure; -1 when it timed out or could not run, as docker says.</summary>
    public required int ExitCode { get; init; }

    /// <summary>Required (may be empty). Its stdout and stderr, cut to the first 4 KiB as docker does.</summary>
    public string Output { get; init; } = "";
}
