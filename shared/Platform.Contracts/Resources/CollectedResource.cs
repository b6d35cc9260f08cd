using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>A resource a pass removed.</summary>
[MessageUrn("platform:resources:CollectedResource")]
public sealed record CollectedResource
{
    /// <summary>Required.</summary>
    public required string Namespace { get; init; }

    /// <summary>Required.</summary>
    public required ResourceRef Resource { get; init; }

    /// <summary>Bytes it used.</summary>
    public long Size { get; init; }
}
