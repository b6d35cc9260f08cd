using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Command: run a collection pass now. Replies <see cref="GarbageCollectionResult"/>.</summary>
[MessageUrn("platform:resources:CollectGarbage")]
[Requires(Access.Admin)]
public sealed record CollectGarbage
{
    /// <summary>Optional. Report what would be removed without removing it.</summary>
    public bool DryRun { get; init; }
}
