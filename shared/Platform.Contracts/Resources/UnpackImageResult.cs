using MassTransit;

namespace Platform.Contracts.Resources;

/// <summary>Reply to <see cref="UnpackImage"/>.</summary>
[MessageUrn("platform:resources:UnpackImageResult")]
public sealed record UnpackImageResult
{
    /// <summary>The snapshotter the chain is in.</summary>
    public required string Snapshotter { get; init; }

    /// <summary>The chain id of all layers: the committed snapshot to prepare a container's rootfs from.</summary>
    public required string ChainId { get; init; }

    /// <summary>The manifest that was unpacked (the target itself, or the index's child for the platform).</summary>
    public required string Manifest { get; init; }

    /// <summary>The image config's digest, now labelled with the chain.</summary>
    public required string Config { get; init; }

    /// <summary>How many layers the image has.</summary>
    public int Layers { get; init; }

    /// <summary>How many of them were unpacked now; the others' snapshots existed and were reused.</summary>
    public int Unpacked { get; init; }
}
