using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: the chains of references that keep a resource alive; none means garbage.</summary>
[MessageUrn("platform:resources:ResourceExplanation")]
public sealed record ResourceExplanation
{
    /// <summary>Required.</summary>
    public required ResourceRef Resource { get; init; }

    /// <summary>Whether anything keeps it.</summary>
    public bool Alive { get; init; }

    /// <summary>Each chain runs from the resource to a root (container, task, lease, root label), as readable steps.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Chains { get; init; } = [];
}
