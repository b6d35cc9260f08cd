using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>
/// Command: delete a content record (its blob goes when no namespace has it). FailedPrecondition while an owner
/// references it, a live lease holds it or another content record's <c>gc.ref</c> label points at it. Replies <see cref="ContentResult"/>.
/// </summary>
[MessageUrn("platform:resources:DeleteContent")]
public sealed record DeleteContent
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. <c>sha256:HEX</c>.</summary>
    public string? Digest { get; init; }
}
