using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: discard an ingest and what it received. Replies <see cref="ContentIngestStatus"/> as it was.</summary>
[MessageUrn("platform:resources:AbortContentIngest")]
public sealed record AbortContentIngest
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The ingest reference.</summary>
    public string? Ref { get; init; }
}
