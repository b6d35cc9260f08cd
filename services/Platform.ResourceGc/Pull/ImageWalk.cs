using Platform.Client.Images;
using Platform.Client.Registry;
using Platform.Common.Errors;

namespace Platform.ResourceGc.Pull;

/// <summary>What a blob is to the image it belongs to.</summary>
public enum BlobRole
{
    Layer,
    Config,
    Document,
}

/// <summary>One blob of an image: its descriptor, its role, and how to open it from an offset (a document's bytes are in hand).</summary>
public sealed record WalkedBlob(Descriptor Descriptor, BlobRole Role, byte[]? Bytes);

/// <summary>
/// The blobs of one image as a registry serves it, children before the documents that name them, each listed once: an index
/// is kept whole and its manifest for the platform taken (all of them when <c>platform</c> is null), as <c>ctr images pull</c>
/// does. Manifests and indexes are fetched (verified against their digests) as the walk goes; configs and layers only listed.
/// </summary>
public sealed class ImageWalk(RegistryClient registry, string repository, ImagePlatform? platform)
{
    private readonly HashSet<string> _seen = [];

    public List<WalkedBlob> Blobs { get; } = [];

    public async Task AddAsync(Manifest document, string source, CancellationToken ct)
    {
        var descriptor = document.Descriptor;
        if (!_seen.Add(descriptor.Digest))
            return;
        var where = $"{source}: {descriptor.MediaType} {descriptor.Digest}";
        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            var index = OciJson.ParseIndex(document.Bytes, where);
            var children = platform is null
                ? index.Manifests.Where(d => MediaTypes.IsManifestOrIndex(d.MediaType)).ToList()
                : [PlatformSelection.SelectManifest(index, platform, $"index {descriptor.Digest} of {source}")];
            foreach (var child in children)
            {
                Digest.Validate(child.Digest, $"{where}: a manifests[] entry's digest");
                var fetched = await registry.FetchManifestAsync(repository, child.Digest, ct);
                if (fetched.Descriptor.Size != child.Size || fetched.Descriptor.MediaType != child.MediaType)
                    throw PlatformException.InvalidArgument(
                        $"{where}: lists {child.MediaType} {child.Digest} of {child.Size} bytes, but the registry serves {fetched.Descriptor}");
                await AddAsync(fetched, source, ct);
            }
        }
        else if (MediaTypes.IsManifest(descriptor.MediaType))
        {
            var manifest = OciJson.ParseManifest(document.Bytes, where);
            foreach (var (blob, role) in manifest.Layers.Select(l => (l, BlobRole.Layer)).Prepend((manifest.Config!, BlobRole.Config)))
            {
                Digest.Validate(blob.Digest, $"{where}: a descriptor's digest");
                if (blob.Size < 0)
                    throw PlatformException.InvalidArgument($"{where}: blob {blob.Digest} has a negative size");
                if (_seen.Add(blob.Digest))
                    Blobs.Add(new WalkedBlob(new Descriptor { MediaType = blob.MediaType, Digest = blob.Digest, Size = blob.Size }, role, null));
            }
        }
        else
        {
            throw PlatformException.InvalidArgument($"{where}: neither an image manifest nor an index");
        }
        Blobs.Add(new WalkedBlob(descriptor, BlobRole.Document, document.Bytes));
    }
}
