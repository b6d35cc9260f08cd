using Platform.Client.Registry;
using Platform.Common.Errors;
using Platform.Common.References;
using Platform.Contracts.Resources;
using ImageRecord = Platform.Contracts.Images.Image;

namespace Platform.Client.Images;

/// <summary>How to pull an image.</summary>
public sealed record ImagePullOptions : RegistryAccessOptions
{
    /// <summary>Optional. The platform to take from an index; the host's when null.</summary>
    public ImagePlatform? Platform { get; init; }

    /// <summary>Optional. Take every platform's manifests and blobs from an index.</summary>
    public bool AllPlatforms { get; init; }

    /// <summary>Optional. Unpack into this snapshotter (the service's default when null).</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Optional, default true. Unpack the layers into snapshots, ready to run.</summary>
    public bool Unpack { get; init; } = true;
}

/// <summary>The image a pull created or moved, and what its unpack made (null when not unpacked).</summary>
public sealed record PulledImage(ImageRecord Image, UnpackImageResult? Unpacked);

/// <summary>
/// Pulls an image from a registry into the content store and names it, as <c>ctr images pull</c> does: resolve the reference,
/// walk down (an index is kept whole and its manifest for the platform is taken, or all of them), then store every blob
/// under a lease through <see cref="ContentWrites"/> exactly as a load does: layers and configs a few at a time, manifests
/// and indexes labelled with what they reference; then unpack, name the image with the normalised reference, and drop
/// the lease so the image alone keeps its content.
/// </summary>
/// <remarks>
/// A blob the namespace already has is never fetched: the registry is asked for a blob only when the content store's
/// ingest says bytes are missing, and only from the offset it has. Ingest refs are <c>pull-&lt;digest&gt;</c>, so a pull
/// that was interrupted resumes each blob where it stopped, with a Range request. A resumed blob's bytes from the
/// registry are checked for size only as they stream; the whole blob's digest is verified by the content store at commit
/// (a mismatch discards the ingest and fails the pull with InvalidArgument). Manifests and indexes are verified against
/// their digests as they are fetched.
/// </remarks>
public sealed class ImagePuller(PlatformClient client)
{
    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromHours(1);

    public async Task<PulledImage> PullAsync(string reference, ImagePullOptions? options = null, IProgress<BlobProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new ImagePullOptions();
        var name = ImageName.Parse(reference);
        var ns = client.Namespace(options.Namespace);
        using var registry = RegistryAccess.Open(name.Domain, options);
        try
        {
            var root = await registry.ResolveAsync(name.Path, name.Digest ?? name.Tag!, cancellationToken);
            var walk = new Walk(registry, name.Path, options.AllPlatforms ? null : options.Platform ?? ImagePlatform.Host);
            await walk.AddAsync(root, $"{name.Normalized}", cancellationToken);

            var lease = await client.Leases.CreateAsync(new CreateLease
            {
                Namespace = ns, Labels = new Dictionary<string, string> { ["platform.io/pull"] = Truncate(name.Normalized) },
                ExpiresAt = DateTimeOffset.UtcNow + LeaseLifetime,
            }, cancellationToken);
            try
            {
                await ContentWrites.StoreAsync(client, walk.Blobs, lease.Id, ns, "pull", progress, cancellationToken);
                var unpacked = options.Unpack
                    ? await client.Images.UnpackAsync(root.Descriptor.Digest, options.Platform?.ToString(), options.Snapshotter, lease.Id, ns, cancellationToken)
                    : null;
                var image = await client.Images.PutAsync(name.Normalized, ImageLoader.Convert(root.Descriptor), ns, cancellationToken);
                return new PulledImage(image, unpacked);
            }
            finally
            {
                await ContentWrites.DropLeaseAsync(client, lease.Id, ns);
            }
        }
        catch (RegistryException e)
        {
            throw RegistryAccess.ToPlatform(e, name.Domain, options.PlainHttp);
        }
    }

    // Label values are limited to 4096 bytes; a name is at most ~450 characters, so this never cuts in practice.
    private static string Truncate(string value) => value.Length > 1024 ? value[..1024] : value;

    /// <summary>The blobs of one image, children before the documents that name them; each fetched at most once.</summary>
    private sealed class Walk(RegistryClient registry, string repository, ImagePlatform? platform)
    {
        private readonly HashSet<string> _seen = [];

        public List<BlobSource> Blobs { get; } = [];

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
                foreach (var blob in manifest.Layers.Prepend(manifest.Config!))
                {
                    Digest.Validate(blob.Digest, $"{where}: a descriptor's digest");
                    if (blob.Size < 0)
                        throw PlatformException.InvalidArgument($"{where}: blob {blob.Digest} has a negative size");
                    if (!_seen.Add(blob.Digest))
                        continue;
                    var leaf = new Descriptor { MediaType = blob.MediaType, Digest = blob.Digest, Size = blob.Size };
                    // Opened only when the content store lacks bytes of it, from the first byte it lacks.
                    Blobs.Add(new BlobSource(leaf, (offset, token) => registry.OpenBlobAsync(repository, leaf, offset, null, token)));
                }
            }
            else
            {
                throw PlatformException.InvalidArgument($"{where}: neither an image manifest nor an index");
            }
            var bytes = document.Bytes;
            Blobs.Add(new BlobSource(descriptor, (offset, _) => Task.FromResult<Stream>(new MemoryStream(bytes, (int)offset, bytes.Length - (int)offset, writable: false))));
        }
    }
}
