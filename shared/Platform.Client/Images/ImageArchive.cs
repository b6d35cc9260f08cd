using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>What kind of archive <see cref="ImageArchive.OpenAsync"/> found.</summary>
public enum ImageArchiveFormat
{
    /// <summary>An OCI image layout folder (oci-layout, index.json, blobs/).</summary>
    OciLayout,

    /// <summary>A tar (maybe gzip-compressed) holding an OCI image layout; <c>docker save</c> from Docker 25 on writes this.</summary>
    OciArchive,

    /// <summary>A legacy <c>docker save</c> tar: manifest.json, config <c>&lt;hex&gt;.json</c>, layer tars; no index.json.</summary>
    DockerArchive,
}

/// <summary>How to read an archive.</summary>
public sealed record ImageArchiveOptions
{
    /// <summary>
    /// Optional. The platform whose manifest to take from each index; <see cref="ImagePlatform.Host"/> when null.
    /// Ignored when <see cref="AllPlatforms"/> is set.
    /// </summary>
    public ImagePlatform? Platform { get; init; }

    /// <summary>Optional, default false. Take every manifest of every index, and all their blobs.</summary>
    public bool AllPlatforms { get; init; }

    /// <summary>
    /// Optional. Where a gzip-compressed tar is decompressed to (needs the uncompressed size free);
    /// the system's temporary folder when null. The copy is deleted when the archive is disposed.
    /// </summary>
    public string? TemporaryDirectory { get; init; }
}

/// <summary>An image an archive names: its name as written (no normalisation; may be absent) and its target.</summary>
/// <param name="Name">
/// From index.json: the <c>io.containerd.image.name</c> annotation, else <c>org.opencontainers.image.ref.name</c>
/// (which may be only a tag, e.g. <c>latest</c>). From a legacy manifest.json: one of the RepoTags. Null when unnamed.
/// </param>
/// <param name="Target">
/// The root descriptor: the index.json entry (a manifest or an index; an index stays the target even when only
/// one platform's blobs were taken, as containerd does), or for a legacy archive a synthesised Docker schema 2 manifest.
/// </param>
public sealed record ArchiveImage(string? Name, Descriptor Target);

/// <summary>
/// One blob to store. <see cref="Open"/> may be called more than once and concurrently; blobs read from the archive
/// are verified as they are read: reading one to its end throws FailedPrecondition when its size or digest is wrong.
/// </summary>
public sealed record ArchiveBlob(Descriptor Descriptor, Func<CancellationToken, Task<Stream>> Open);

/// <summary>
/// An image archive opened for import: the images it names and the blobs to store, referenced blobs before what
/// references them (layers, config, manifest, index), so a content store can take them in order and every GC edge it
/// records points to content it already has. Dispose it when done: it holds the archive open (and, for a gzip-compressed
/// tar, a decompressed temporary copy).
/// </summary>
public sealed class ImageArchive : IDisposable
{
    private readonly IArchiveSource source;

    private ImageArchive(IArchiveSource source, ImageArchiveFormat format, IReadOnlyList<ArchiveImage> images, IReadOnlyList<ArchiveBlob> blobs)
    {
        this.source = source;
        Format = format;
        Images = images;
        Blobs = blobs;
    }

    public ImageArchiveFormat Format { get; }

    /// <summary>The images named by the archive, in the order it lists them; a target may appear under several names.</summary>
    public IReadOnlyList<ArchiveImage> Images { get; }

    /// <summary>Every blob to store, each once, children before parents.</summary>
    public IReadOnlyList<ArchiveBlob> Blobs { get; }

    /// <summary>
    /// Opens an OCI layout folder, an OCI archive (tar or tar.gz) or a legacy docker save tar (or tar.gz). Reads only
    /// the small JSON documents; layers are indexed (tar) or hashed once as a stream (legacy archives, which carry no
    /// digests), never held in memory. Errors: NotFound when <paramref name="path"/> does not exist or an index has no
    /// manifest for the platform; InvalidArgument naming the file and the problem for anything wrong with the archive.
    /// </summary>
    public static async Task<ImageArchive> OpenAsync(string path, ImageArchiveOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ImageArchiveOptions();
        IArchiveSource source;
        if (Directory.Exists(path))
            source = new DirectorySource(path);
        else if (File.Exists(path))
            source = await TarSource.OpenAsync(path, options.TemporaryDirectory, cancellationToken);
        else
            throw PlatformException.NotFound($"{path}: no such file or folder");

        try
        {
            if (source.TryGetSize("index.json", out _))
            {
                var (images, blobs) = await new OciLayoutReader(source, options).ReadAsync(cancellationToken);
                return new ImageArchive(source, source is DirectorySource ? ImageArchiveFormat.OciLayout : ImageArchiveFormat.OciArchive, images, blobs);
            }
            if (source.TryGetSize("manifest.json", out _))
            {
                var (images, blobs) = await new DockerArchiveReader(source).ReadAsync(cancellationToken);
                return new ImageArchive(source, ImageArchiveFormat.DockerArchive, images, blobs);
            }
            throw PlatformException.InvalidArgument(
                $"{source.Location}: neither index.json (OCI layout) nor manifest.json (docker save) found; it holds: {string.Join(", ", source.SampleNames())}");
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    public void Dispose() => source.Dispose();
}

/// <summary>Collects blobs once each, in the order they are first added.</summary>
internal sealed class BlobList
{
    private readonly List<ArchiveBlob> blobs = [];
    private readonly HashSet<string> digests = new(StringComparer.Ordinal);

    public IReadOnlyList<ArchiveBlob> Blobs => blobs;

    public bool Contains(string digest) => digests.Contains(digest);

    public void Add(Descriptor descriptor, Func<CancellationToken, Task<Stream>> open)
    {
        if (digests.Add(descriptor.Digest))
            blobs.Add(new ArchiveBlob(new Descriptor { MediaType = descriptor.MediaType, Digest = descriptor.Digest, Size = descriptor.Size }, open));
    }

    public void Add(Descriptor descriptor, byte[] content) =>
        Add(descriptor, _ => Task.FromResult<Stream>(new MemoryStream(content, writable: false)));
}
