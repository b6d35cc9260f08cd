using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>
/// Reads an OCI image layout: index.json's entries are the images; each is walked down (index → chosen manifests →
/// config and layers) and its blobs listed bottom-up. Manifests and indexes are read whole and verified against their
/// digests here; config and layer blobs are checked for presence and size now and verified when read.
/// </summary>
internal sealed class OciLayoutReader(IArchiveSource source, ImageArchiveOptions options)
{
    private readonly BlobList blobs = new();
    private readonly ImagePlatform platform = options.Platform ?? ImagePlatform.Host;

    public async Task<(IReadOnlyList<ArchiveImage> Images, IReadOnlyList<ArchiveBlob> Blobs)> ReadAsync(CancellationToken cancellationToken)
    {
        if (source.TryGetSize("oci-layout", out _))
        {
            var header = OciJson.Parse<OciLayoutHeader>(await source.ReadDocumentAsync("oci-layout", "the layout header", cancellationToken), Where("oci-layout"));
            if (header.ImageLayoutVersion != OciLayoutHeader.CurrentVersion)
                throw PlatformException.InvalidArgument(
                    $"{Where("oci-layout")}: unsupported imageLayoutVersion \"{header.ImageLayoutVersion}\" (only {OciLayoutHeader.CurrentVersion} is supported)");
        }
        var index = OciJson.ParseIndex(await source.ReadDocumentAsync("index.json", "the layout's index", cancellationToken), Where("index.json"));

        var images = new List<ArchiveImage>();
        foreach (var entry in index.Manifests)
        {
            Digest.Validate(entry.Digest, $"{Where("index.json")}: a manifests[] entry's digest");
            await WalkAsync(entry, "index.json", cancellationToken);
            images.Add(new ArchiveImage(NameOf(entry), entry));
        }
        return (images, blobs.Blobs);
    }

    private static string? NameOf(Descriptor entry)
    {
        if (entry.Annotations is null)
            return null;
        if (entry.Annotations.TryGetValue(Annotations.ContainerdImageName, out var full) && full.Length > 0)
            return full;
        return entry.Annotations.TryGetValue(Annotations.RefName, out var reference) && reference.Length > 0 ? reference : null;
    }

    private async Task WalkAsync(Descriptor descriptor, string parent, CancellationToken cancellationToken)
    {
        if (blobs.Contains(descriptor.Digest))
            return;
        if (MediaTypes.IsManifest(descriptor.MediaType))
        {
            var content = await ReadVerifiedAsync(descriptor, parent, cancellationToken);
            var manifest = OciJson.ParseManifest(content, Where(BlobPath(descriptor.Digest)));
            foreach (var layer in manifest.Layers)
                AddFromArchive(layer, descriptor.Digest);
            AddFromArchive(manifest.Config!, descriptor.Digest);
            blobs.Add(descriptor, content);
        }
        else if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            var content = await ReadVerifiedAsync(descriptor, parent, cancellationToken);
            var source = Where(BlobPath(descriptor.Digest));
            var index = OciJson.ParseIndex(content, source);
            var children = options.AllPlatforms ? index.Manifests : [PlatformSelection.SelectManifest(index, platform, $"index {descriptor.Digest} ({source})")];
            foreach (var child in children)
            {
                Digest.Validate(child.Digest, $"{source}: a manifests[] entry's digest");
                await WalkAsync(child, descriptor.Digest, cancellationToken);
            }
            blobs.Add(descriptor, content);
        }
        else if (MediaTypes.IsSchema1(descriptor.MediaType))
        {
            throw PlatformException.InvalidArgument(
                $"{Where(parent)}: {descriptor.Digest} is a Docker schema 1 manifest ({descriptor.MediaType}), which is not supported");
        }
        else
        {
            throw PlatformException.InvalidArgument(
                $"{Where(parent)}: {descriptor.Digest} has media type \"{descriptor.MediaType}\", which is neither an image manifest nor an index");
        }
    }

    private async Task<byte[]> ReadVerifiedAsync(Descriptor descriptor, string parent, CancellationToken cancellationToken)
    {
        var path = CheckPresent(descriptor, parent);
        var content = await source.ReadDocumentAsync(path, $"referenced by {parent}", cancellationToken);
        var actual = Digest.Compute(content);
        if (actual != descriptor.Digest)
            throw PlatformException.InvalidArgument($"{Where(path)}: content digest {actual} does not match its name");
        return content;
    }

    private void AddFromArchive(Descriptor descriptor, string parent)
    {
        Digest.Validate(descriptor.Digest, $"{Where(BlobPath(parent))}: a descriptor's digest");
        if (blobs.Contains(descriptor.Digest))
            return;
        var path = CheckPresent(descriptor, parent);
        var what = $"{Where(path)} ({descriptor.MediaType})";
        blobs.Add(descriptor, _ => Task.FromResult<Stream>(new VerifyingStream(source.Open(path), descriptor.Digest, descriptor.Size, what)));
    }

    private string CheckPresent(Descriptor descriptor, string parent)
    {
        var path = BlobPath(descriptor.Digest);
        var referrer = parent == "index.json" ? "index.json" : $"blob {parent}";
        if (!source.TryGetSize(path, out var size))
            throw PlatformException.InvalidArgument(
                $"{source.Location}: blob {descriptor.Digest} ({descriptor.MediaType}) is referenced by {referrer} but {path} is missing");
        if (size != descriptor.Size)
            throw PlatformException.InvalidArgument(
                $"{Where(path)}: {size} bytes, but {referrer} says {descriptor.Size}");
        return path;
    }

    private static string BlobPath(string digest) => $"blobs/sha256/{Digest.Hex(digest)}";

    private string Where(string name) => $"{source.Location}: {name}";
}
