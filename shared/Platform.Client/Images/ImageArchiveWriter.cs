using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>An image to export: its full name (<c>docker.io/library/busybox:1.36</c>) and its target.</summary>
public sealed record ImageToExport(string Name, Descriptor Target);

/// <summary>
/// Writes an OCI archive (a tar of an OCI image layout) that <c>ctr import</c>, <c>docker load</c> and
/// <see cref="ImageArchive"/> read: <c>oci-layout</c>, <c>blobs/sha256/…</c> for every blob reachable from the targets,
/// <c>index.json</c> naming each image, and docker's <c>manifest.json</c> for each image that is (or, through an index,
/// resolves for <see cref="Platform"/> to) one manifest present in the source.
/// </summary>
/// <param name="openBlob">
/// Opens a blob by digest. The writer reads each blob once (manifests and indexes first, to walk them) and verifies its
/// size and digest as it copies. To say a blob is absent, throw PlatformException with kind NotFound, or
/// FileNotFoundException: an index's children that are absent are left out (an image pulled for one platform keeps its
/// whole index, as containerd does); anything else that is absent fails the write.
/// </param>
public sealed class ImageArchiveWriter(Func<string, CancellationToken, Task<Stream>> openBlob)
{
    /// <summary>The platform an index resolves to for docker's manifest.json; the host's by default.</summary>
    public ImagePlatform Platform { get; init; } = ImagePlatform.Host;

    /// <summary>
    /// Writes the archive to <paramref name="output"/> (which need not seek), leaving it open. Layers are copied straight
    /// from <c>openBlob</c> into the tar; only manifests and indexes are held in memory. A blob whose content does not
    /// match its descriptor fails the write with FailedPrecondition, leaving <paramref name="output"/> incomplete.
    /// </summary>
    public async Task WriteAsync(Stream output, IReadOnlyList<ImageToExport> images, CancellationToken cancellationToken = default)
    {
        var walk = new Walk(openBlob);
        foreach (var image in images)
        {
            Digest.Validate(image.Target.Digest, $"image {image.Name}: target digest");
            await walk.AddAsync(image.Target, required: true, cancellationToken);
        }

        var tar = new TarStreamWriter(output);
        await tar.WriteFileAsync("oci-layout", OciJson.Serialize(new OciLayoutHeader { ImageLayoutVersion = OciLayoutHeader.CurrentVersion }), cancellationToken);
        await tar.WriteDirectoryAsync("blobs", cancellationToken);
        await tar.WriteDirectoryAsync("blobs/sha256", cancellationToken);
        foreach (var (descriptor, document) in walk.Blobs)
        {
            var name = $"blobs/sha256/{Digest.Hex(descriptor.Digest)}";
            if (document is not null)
            {
                await tar.WriteFileAsync(name, document, cancellationToken);
                continue;
            }
            await using var content = new VerifyingStream(await OpenAsync(descriptor, cancellationToken), descriptor.Digest, descriptor.Size,
                $"blob {descriptor.Digest} ({descriptor.MediaType})");
            await tar.WriteFileAsync(name, descriptor.Size, content, cancellationToken);
        }
        await tar.WriteFileAsync("index.json", OciJson.Serialize(Index(images)), cancellationToken);
        var dockerManifest = DockerManifest(images, walk);
        if (dockerManifest.Count > 0)
            await tar.WriteFileAsync("manifest.json", OciJson.Serialize(dockerManifest), cancellationToken);
        await tar.FinishAsync(cancellationToken);
    }

    private async Task<Stream> OpenAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        try
        {
            return await openBlob(descriptor.Digest, cancellationToken);
        }
        catch (Exception e) when (IsAbsent(e))
        {
            throw PlatformException.NotFound($"blob {descriptor.Digest} ({descriptor.MediaType}) is not in the content store: {e.Message}");
        }
    }

    internal static bool IsAbsent(Exception e) =>
        e is FileNotFoundException or PlatformException { Kind: Contracts.ErrorKind.NotFound };

    private static ImageIndex Index(IReadOnlyList<ImageToExport> images) => new()
    {
        SchemaVersion = 2,
        MediaType = MediaTypes.OciIndex,
        Manifests = images.Select(i => new Descriptor
        {
            MediaType = i.Target.MediaType,
            Digest = i.Target.Digest,
            Size = i.Target.Size,
            Platform = i.Target.Platform,
            Annotations = new Dictionary<string, string>
            {
                [Annotations.ContainerdImageName] = i.Name,
                [Annotations.RefName] = ImageNames.ReferenceName(i.Name),
            },
        }).ToList(),
    };

    private List<DockerArchiveEntry> DockerManifest(IReadOnlyList<ImageToExport> images, Walk walk)
    {
        var entries = new List<(string Manifest, DockerArchiveEntry Entry)>();
        foreach (var image in images)
        {
            if (walk.ResolveManifest(image.Target, Platform) is not { } manifest)
                continue;
            var tag = ImageNames.DockerTag(image.Name);
            var existing = entries.FindIndex(e => e.Manifest == manifest.Digest);
            if (existing >= 0)
            {
                if (tag is not null)
                    entries[existing] = entries[existing] with { Entry = entries[existing].Entry with { RepoTags = [.. entries[existing].Entry.RepoTags ?? [], tag] } };
                continue;
            }
            entries.Add((manifest.Digest, new DockerArchiveEntry
            {
                Config = $"blobs/sha256/{Digest.Hex(manifest.Parsed.Config!.Digest)}",
                RepoTags = tag is null ? null : [tag],
                Layers = manifest.Parsed.Layers.Select(l => $"blobs/sha256/{Digest.Hex(l.Digest)}").ToList(),
            }));
        }
        return entries.Select(e => e.Entry).ToList();
    }

    /// <summary>The blobs reachable from the targets, children first, with the documents already read.</summary>
    private sealed class Walk(Func<string, CancellationToken, Task<Stream>> openBlob)
    {
        private readonly Dictionary<string, byte[]> documents = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ImageManifest> manifests = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ImageIndex> indexes = new(StringComparer.Ordinal);
        private readonly HashSet<string> seen = new(StringComparer.Ordinal);

        public List<(Descriptor Descriptor, byte[]? Document)> Blobs { get; } = [];

        public async Task AddAsync(Descriptor descriptor, bool required, CancellationToken cancellationToken)
        {
            if (seen.Contains(descriptor.Digest))
                return;
            if (MediaTypes.IsManifest(descriptor.MediaType))
            {
                if (await ReadAsync(descriptor, required, cancellationToken) is not { } content)
                    return;
                var manifest = OciJson.ParseManifest(content, $"manifest {descriptor.Digest}");
                foreach (var child in manifest.Layers.Append(manifest.Config!))
                {
                    Digest.Validate(child.Digest, $"manifest {descriptor.Digest}: a descriptor's digest");
                    if (seen.Add(child.Digest))
                        Blobs.Add((child, null));
                }
                manifests[descriptor.Digest] = manifest;
                Complete(descriptor, content);
            }
            else if (MediaTypes.IsIndex(descriptor.MediaType))
            {
                if (await ReadAsync(descriptor, required, cancellationToken) is not { } content)
                    return;
                var index = OciJson.ParseIndex(content, $"index {descriptor.Digest}");
                foreach (var child in index.Manifests)
                {
                    Digest.Validate(child.Digest, $"index {descriptor.Digest}: a manifests[] entry's digest");
                    if (MediaTypes.IsManifest(child.MediaType) || MediaTypes.IsIndex(child.MediaType))
                        await AddAsync(child, required: false, cancellationToken);
                }
                indexes[descriptor.Digest] = index;
                Complete(descriptor, content);
            }
            else
            {
                throw PlatformException.InvalidArgument(
                    $"{descriptor.Digest} has media type \"{descriptor.MediaType}\", which is neither an image manifest nor an index");
            }
        }

        /// <summary>The manifest an image's target is, or resolves to for <paramref name="platform"/>; null when not exported.</summary>
        public (string Digest, ImageManifest Parsed)? ResolveManifest(Descriptor target, ImagePlatform platform)
        {
            for (var depth = 0; depth < 8; depth++)
            {
                if (manifests.TryGetValue(target.Digest, out var manifest))
                    return (target.Digest, manifest);
                if (!indexes.TryGetValue(target.Digest, out var index))
                    return null;
                var present = index with { Manifests = index.Manifests.Where(m => documents.ContainsKey(m.Digest)).ToList() };
                var matching = PlatformSelection.Matching(present, platform);
                if (matching.Count == 0)
                    return null;
                target = matching[0];
            }
            return null;
        }

        private void Complete(Descriptor descriptor, byte[] content)
        {
            seen.Add(descriptor.Digest);
            documents[descriptor.Digest] = content;
            Blobs.Add((descriptor, content));
        }

        private async Task<byte[]?> ReadAsync(Descriptor descriptor, bool required, CancellationToken cancellationToken)
        {
            var what = $"{descriptor.MediaType} {descriptor.Digest}";
            if (descriptor.Size > OciJson.MaxDocumentBytes)
                throw PlatformException.InvalidArgument($"{what}: {descriptor.Size} bytes, more than the {OciJson.MaxDocumentBytes} a JSON document may have");
            Stream stream;
            try
            {
                stream = await openBlob(descriptor.Digest, cancellationToken);
            }
            catch (Exception e) when (IsAbsent(e))
            {
                if (!required)
                    return null;
                throw PlatformException.NotFound($"{what} is not in the content store: {e.Message}");
            }
            await using var verifying = new VerifyingStream(stream, descriptor.Digest, descriptor.Size, what);
            using var buffer = new MemoryStream((int)descriptor.Size);
            await verifying.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
    }
}

/// <summary>The two spellings of an image name an archive needs; names are not validated here.</summary>
public static class ImageNames
{
    /// <summary>
    /// <c>org.opencontainers.image.ref.name</c> as containerd and docker write it: the tag when the name has one
    /// (<c>docker.io/library/busybox:1.36</c> → <c>1.36</c>), else the full name.
    /// </summary>
    public static string ReferenceName(string name) => SplitTag(name) is { Tag: var tag } ? tag : name;

    /// <summary>
    /// A docker RepoTags entry: the familiar form of a tagged name (<c>docker.io/library/busybox:1.36</c> →
    /// <c>busybox:1.36</c>, <c>docker.io/acc/bb:1</c> → <c>acc/bb:1</c>); null for a name without a tag or with a digest.
    /// </summary>
    public static string? DockerTag(string name)
    {
        if (name.Contains('@') || SplitTag(name) is null)
            return null;
        const string library = "docker.io/library/", hub = "docker.io/";
        if (name.StartsWith(library, StringComparison.Ordinal) && name.IndexOf('/', library.Length) < 0)
            return name[library.Length..];
        return name.StartsWith(hub, StringComparison.Ordinal) ? name[hub.Length..] : name;
    }

    private static (string Repository, string Tag)? SplitTag(string name)
    {
        if (name.Contains('@'))
            return null;
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') && colon < name.Length - 1 ? (name[..colon], name[(colon + 1)..]) : null;
    }
}
