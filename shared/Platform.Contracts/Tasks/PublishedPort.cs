using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>A port of a task published on the host (docker's <c>-p</c>), with the host port in use.</summary>
[MessageUrn("platform:tasks:PublishedPort")]
public sealed record PublishedPort
{
    /// <summary>Optional. The host address it is published on; null: every address.</summary>
    public string? HostIp { get; init; }

    /// <summary>Required. The host port (the one chosen when the user gave none).</summary>
    public required int HostPort { get; init; }

    /// <summary>Required. The port inside the task.</summary>
    public required int ContainerPort { get; init; }

    /// <summary>Required. <c>tcp</c> or <c>udp</c>.</summary>
    public required string Protocol { get; init; }
}
