using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Command: create the task of a container (runtime create; the process waits to be started). The runner takes
/// spec and runtime from the container and the rootfs from its snapshot's mounts (or the spec's absolute root path).
/// Replies <see cref="TaskResult"/>; publishes <see cref="TaskCreated"/>. AlreadyExists when the container has a task.
/// </summary>
[MessageUrn("platform:tasks:CreateTask")]
public sealed record CreateTask
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The container to run.</summary>
    public string? ContainerId { get; init; }
}
