using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>
/// Command: start (or resume) writing a content blob under a client-chosen reference. An ingest with the same reference
/// in the same namespace is resumed: the reply says how many bytes it already has. When the namespace already has the
/// digest, nothing needs uploading (<see cref="ContentIngestStatus.Exists"/>). Replies <see cref="ContentIngestStatus"/>.
/// </summary>
[MessageUrn("platform:resources:BeginContentIngest")]
public sealed record BeginContentIngest
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Required. The ingest reference: 1 to 256 printable characters, chosen by the client (e.g. the digest, or a pull's id and the digest).</summary>
    public string? Ref { get; init; }

    /// <summary>Required, at least 0. The blob's size in bytes, verified on commit.</summary>
    public long Size { get; init; }

    /// <summary>Required. <c>sha256:HEX</c> of the blob, verified on commit.</summary>
    public string? Digest { get; init; }

    /// <summary>Optional. Labels of the committed content (the commit may replace them).</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Optional. A lease that holds the content once committed (or at once, when it already exists).</summary>
    public string? LeaseId { get; init; }
}
