using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply carrying one content record.</summary>
[MessageUrn("platform:resources:ContentResult")]
public sealed record ContentResult
{
    /// <summary>Required.</summary>
    public required Content Content { get; init; }
}
