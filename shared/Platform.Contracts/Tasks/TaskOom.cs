using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Event: the kernel's OOM killer killed a process of a task (its cgroup hit its memory limit), as containerd's
/// <c>/tasks/oom</c>. Published before the <see cref="TaskExited"/> of the init process, which says <c>OomKilled</c>.
/// </summary>
[MessageUrn("platform:tasks:TaskOom")]
public sealed record TaskOom : IPlatformEvent
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
}
