using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>The runtime that runs a container's tasks.</summary>
[MessageUrn("platform:containers:RuntimeInfo")]
public sealed record RuntimeInfo
{
    /// <summary>Required, immutable. The runtime's name, e.g. <c>io.containerd.runc.v2</c> or <c>runc</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Optional. Runtime-specific options as opaque JSON text.</summary>
    public string? Options { get; init; }
}
