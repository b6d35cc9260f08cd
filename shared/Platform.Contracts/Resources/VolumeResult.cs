using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply carrying one volume.</summary>
[MessageUrn("platform:resources:VolumeResult")]
public sealed record VolumeResult
{
    /// <summary>Required.</summary>
    public required Volume Volume { get; init; }
}
