using Platform.Client;
using Platform.Client.Images;
using Platform.Common.Errors;
using ImageRecord = Platform.Contracts.Images.Image;

namespace Platform.Cli.Commands.Images;

/// <summary>An image resolved for one platform: the manifest its target is (or its index picks), and that manifest's config.</summary>
internal sealed record ResolvedImage(ImageRecord Image, Descriptor Manifest, ImageManifest Parsed, ImagePlatform Platform)
{
    /// <summary>
    /// Bytes the image takes in the content store for this platform: the index (when the target is one), the manifest,
    /// the config and the layers as stored (compressed), each counted once.
    /// </summary>
    public long Size
    {
        get
        {
            var index = Image.Target.Digest == Manifest.Digest ? 0 : Image.Target.Size;
            var blobs = Parsed.Layers.Append(Parsed.Config!).DistinctBy(d => d.Digest).Sum(d => d.Size);
            return index + Manifest.Size + blobs;
        }
    }
}

/// <summary>Reads an image's manifest and config from the content store, picking an index's manifest for a platform.</summary>
internal static class ImageResolver
{
    private const int MaxDepth = 8;

    /// <summary>
    /// The manifest <paramref name="image"/> resolves to for <paramref name="platform"/> (the host's by default). NotFound
    /// when a document is missing from the content store or an index has no manifest for the platform (naming it).
    /// </summary>
    public static async Task<ResolvedImage> ResolveAsync(PlatformClient client, ImageRecord image, ImagePlatform? platform, string ns,
        CancellationToken ct)
    {
        platform ??= ImagePlatform.Host;
        var descriptor = new Descriptor { MediaType = image.Target.MediaType, Digest = image.Target.Digest, Size = image.Target.Size };
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            var document = await client.Content.ReadDocumentAsync(descriptor.Digest, ns, ct);
            if (MediaTypes.IsManifest(descriptor.MediaType))
            {
                var manifest = OciJson.ParseManifest(document, $"manifest {descriptor.Digest}");
                return new ResolvedImage(image, descriptor, manifest, descriptor.Platform ?? platform);
            }
            if (!MediaTypes.IsIndex(descriptor.MediaType))
                throw PlatformException.InvalidArgument(
                    $"image {image.Name}: {descriptor.Digest} has media type \"{descriptor.MediaType}\", neither a manifest nor an index");
            var index = OciJson.ParseIndex(document, $"index {descriptor.Digest}");
            descriptor = PlatformSelection.SelectManifest(index, platform, $"image {image.Name} (index {descriptor.Digest})");
        }
        throw PlatformException.InvalidArgument($"image {image.Name}: indexes nest more than {MaxDepth} deep");
    }

    /// <summary>The image config of a resolved image.</summary>
    public static async Task<ImageConfig> ConfigAsync(PlatformClient client, ResolvedImage resolved, string ns, CancellationToken ct)
    {
        var digest = resolved.Parsed.Config!.Digest;
        return OciJson.ParseConfig(await client.Content.ReadDocumentAsync(digest, ns, ct), $"config {digest}");
    }
}

/// <summary>What <c>images inspect</c> shows: the resolved image, its config, and the chain unpacked per snapshotter.</summary>
internal sealed record ImageDetails(ResolvedImage Resolved, ImageConfig Config, IReadOnlyDictionary<string, string> Unpacked);
