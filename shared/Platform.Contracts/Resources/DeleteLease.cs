using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: delete a lease; what only it protected becomes garbage. Replies <see cref="LeaseResult"/>.</summary>
[MessageUrn("platform:resources:DeleteLease")]
public sealed record DeleteLease
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required.</summary>
    public string? Id { get; init; }
}
