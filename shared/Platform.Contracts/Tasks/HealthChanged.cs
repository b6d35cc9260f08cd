using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Event: a task's health status changed (starting → healthy or unhealthy, and between those). Published only on a
/// change, never per probe.
/// </summary>
[MessageUrn("platform:tasks:HealthChanged")]
public sealed record HealthChanged : IPlatformEvent
{
    /// <inheritdoc/>
    public required Guid EventId { get; init; }

    /// <inheritdoc/>
    public required DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public required string Namespace { get; init; }

    /// <inheritdoc/>
    public required long Sequence { get; init; }

    /// <summary>Required. The task's container.</summary>
    public required string ContainerId { get; init; }

    /// <summary>Required. The status before: <c>starting</c>, <c>healthy</c> or <c>unhealthy</c>.</summary>
    public required string OldStatus { get; init; }

    /// <summary>Required. The status now.</summary>
    public required string NewStatus { get; init; }

    /// <summary>Optional. The probe that made the change.</summary>
    public HealthProbe? Probe { get; init; }
}
