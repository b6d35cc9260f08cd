using Platform.Common.Errors;
using Platform.Common.References;
using Platform.Contracts.Resources;
using ImageRecord = Platform.Contracts.Images.Image;

namespace Platform.Client.Images;

/// <summary>How to load an archive.</summary>
public sealed record ImageLoadOptions
{
    /// <summary>Optional. The platform to take from indexes; the host's when null.</summary>
    public ImagePlatform? Platform { get; init; }

    /// <summary>Optional. Take every platform's blobs.</summary>
    public bool AllPlatforms { get; init; }

    /// <summary>Optional. The name for images the archive leaves unnamed, or names by a tag only (<c>latest</c>): then NAME:TAG.</summary>
    public string? Name { get; init; }

    /// <summary>Optional. Unpack into this snapshotter (the service's default when null).</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Optional, default true. Unpack each image's layers into snapshots, ready to run.</summary>
    public bool Unpack { get; init; } = true;

    /// <summary>Optional. The namespace; the client's when null.</summary>
    public string? Namespace { get; init; }
}

/// <summary>An image a load created or moved, and what its unpack made.</summary>
public sealed record LoadedImage(ImageRecord Image, UnpackImageResult? Unpacked);

/// <summary>
/// Loads an OCI layout, OCI archive or <c>docker save</c> tar into the content store and names its images, the way
/// <c>ctr images import</c> does it: the archive is read here, each blob streamed to the content store (which verifies it)
/// under a lease, manifests and indexes labelled with what they reference, the images unpacked into snapshots and named.
/// The lease goes at the end: from then on the images keep their content. A name that already exists is moved to the
/// loaded target, as <c>docker load</c> does. Nothing is named unless all its blobs are stored and unpacked, and an
/// interrupted load leaves only what its expiring lease held.
/// </summary>
public sealed class ImageLoader(PlatformClient client)
{
    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromHours(1);

    public async Task<IReadOnlyList<LoadedImage>> LoadAsync(string path, ImageLoadOptions options, IProgress<BlobProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var ns = client.Namespace(options.Namespace);
        using var archive = await ImageArchive.OpenAsync(path, new ImageArchiveOptions { Platform = options.Platform, AllPlatforms = options.AllPlatforms }, cancellationToken);
        // Names are checked before anything is sent: a bad one must not leave a half-loaded archive.
        var named = archive.Images.Select(i => (Name: NameOf(i, options.Name, path), i.Target)).ToList();
        var lease = await client.Leases.CreateAsync(new CreateLease
        {
            Namespace = ns, Labels = new Dictionary<string, string> { ["platform.io/load"] = Path.GetFileName(path) }, ExpiresAt = DateTimeOffset.UtcNow + LeaseLifetime,
        }, cancellationToken);
        try
        {
            await ContentWrites.StoreAsync(client, archive.Blobs.Select(b => new BlobSource(b.Descriptor, ContentWrites.Skipping(b.Open))).ToList(),
                lease.Id, ns, "load", progress, cancellationToken);
            var loaded = new List<LoadedImage>();
            foreach (var (name, target) in named)
            {
                var unpacked = options.Unpack
                    ? await client.Images.UnpackAsync(target.Digest, options.AllPlatforms ? null : options.Platform?.ToString(), options.Snapshotter, lease.Id, ns, cancellationToken)
                    : null;
                loaded.Add(new LoadedImage(await client.Images.PutAsync(name, Convert(target), ns, cancellationToken), unpacked));
            }
            return loaded;
        }
        finally
        {
            await ContentWrites.DropLeaseAsync(client, lease.Id, ns);
        }
    }

    public static Contracts.Images.Descriptor Convert(Descriptor d) => new() { MediaType = d.MediaType, Digest = d.Digest, Size = d.Size };

    /// <summary>The archive's name, completed by <paramref name="given"/> when it is only a tag; InvalidArgument when there is none.</summary>
    private static string NameOf(ArchiveImage image, string? given, string path)
    {
        var name = image.Name;
        if (name is not null && !name.Contains('/') && !name.Contains(':') && !name.Contains('@') && given is not null)
            name = $"{ImageName.Parse(given).Repository}:{name}"; // a tag only, as OCI layouts often write ref.name
        name ??= given;
        if (name is null)
            throw PlatformException.InvalidArgument($"archive {path} does not name image {image.Target.Digest}; give it a name (--name)");
        return ImageName.Parse(name).Normalized;
    }
}
