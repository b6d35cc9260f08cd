using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: the reference was recorded or removed.</summary>
[MessageUrn("platform:resources:ReferenceResult")]
public sealed record ReferenceResult
{
    /// <summary>Required.</summary>
    public required ResourceRef Resource { get; init; }
}
