using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: create a named volume (an empty folder). AlreadyExists for a taken name. Replies <see cref="VolumeResult"/>.</summary>
[MessageUrn("platform:resources:CreateVolume")]
public sealed record CreateVolume
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. Identifier rules (as container ids).</summary>
    public string? Name { get; init; }

    /// <summary>Optional. Labels; an empty value is dropped.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}
