using MassTransit;

namespace Platform.Contracts;

/// <summary>The reply to any request that did not succeed for an expected reason.</summary>
[MessageUrn("platform:ErrorReply")]
public sealed record ErrorReply
{
    /// <summary>Required. What kind of failure this is.</summary>
    public required ErrorKind Kind { get; init; }

    /// <summary>Required. A message a person can act on: it names the object, the field and the rule.</summary>
    public required string Message { get; init; }
}
