using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply: bytes of a content blob.</summary>
[MessageUrn("platform:resources:ContentData")]
public sealed record ContentData
{
    /// <summary>Required.</summary>
    public required string Digest { get; init; }

    /// <summary>Where <see cref="Data"/> starts in the blob.</summary>
    public long Offset { get; init; }

    /// <summary>Required. The bytes; shorter than asked only at the end of the blob.</summary>
    public required byte[] Data { get; init; }

    /// <summary>The blob's total size in bytes.</summary>
    public long Size { get; init; }
}
