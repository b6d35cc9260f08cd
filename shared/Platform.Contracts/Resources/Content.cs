using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>A content blob as stored: immutable bytes addressed by their digest, with labels, per namespace.</summary>
[MessageUrn("platform:resources:Content")]
public sealed record Content
{
    /// <summary>Required. The namespace it lives in.</summary>
    public required string Namespace { get; init; }

    /// <summary>Required, immutable. <c>sha256:</c> followed by 64 lower-case hex digits.</summary>
    public required string Digest { get; init; }

    /// <summary>Required, immutable. Size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Mutable. Labels; never stored empty. <c>platform.io/gc.ref.content.*</c> and <c>platform.io/gc.ref.snapshot.*</c> are GC edges.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Set by the server on commit.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set by the server on every change.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
