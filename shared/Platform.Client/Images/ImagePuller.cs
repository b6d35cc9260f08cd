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

/// <summary>The image a pull created or moved, what its unpack made (null when not unpacked), and what the fetch moved.</summary>
public sealed record PulledImage(ImageRecord Image, UnpackImageResult? Unpacked, FetchImageResult? Fetched = null);

/// <summary>
/// Pulls an image from a registry and names it, as <c>ctr images pull</c> does, with the bytes never crossing the bus: under a
/// lease of its own, the client sends <see cref="FetchImage"/> and the resource GC service fetches the index or manifest,
/// config and layers from the registry straight into its content store (verified, labelled with their GC edges, a blob it
/// has never fetched again); then the client unpacks, names the image with the normalised reference, and drops the lease
/// so the image alone keeps its content.
/// </summary>
/// <remarks>
/// Registry credentials are looked up here (the options' own, or docker's config) and travel in the command; the service
/// uses them for that request only. Ingest refs on the service are <c>pull-&lt;digest&gt;</c>, so an interrupted pull resumes
/// each blob where it stopped, with a Range request. Progress is per blob and reported when the fetch is over (the
/// service replies once): each blob once, <see cref="BlobProgress.Existed"/> when nothing of it had to be fetched.
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
        var credentials = RegistryAccess.CredentialsFor(name.Domain, options);
        var lease = await client.Leases.CreateAsync(new CreateLease
        {
            Namespace = ns, Labels = new Dictionary<string, string> { ["platform.io/pull"] = Truncate(name.Normalized) },
            ExpiresAt = DateTimeOffset.UtcNow + LeaseLifetime,
        }, cancellationToken);
        try
        {
            var fetched = await client.Images.FetchAsync(new FetchImage
            {
                Namespace = ns, Reference = name.Normalized, PlainHttp = options.PlainHttp,
                Credentials = credentials is null ? null : new RegistryLogin { Username = credentials.Username, Password = credentials.Password },
                Platform = options.Platform?.ToString(), AllPlatforms = options.AllPlatforms, LeaseId = lease.Id,
            }, LeaseLifetime, cancellationToken);
            foreach (var blob in fetched.Blobs)
                progress?.Report(new BlobProgress(blob.Digest, blob.MediaType, blob.Size, blob.Size, Existed: blob.Fetched == 0));
            var unpacked = options.Unpack
                ? await client.Images.UnpackAsync(fetched.Target.Digest, options.Platform?.ToString(), options.Snapshotter, lease.Id, ns, cancellationToken)
                : null;
            var image = await client.Images.PutAsync(name.Normalized, fetched.Target, ns, cancellationToken);
            return new PulledImage(image, unpacked, fetched);
        }
        finally
        {
            await ContentWrites.DropLeaseAsync(client, lease.Id, ns);
        }
    }

    // Label values are limited to 4096 bytes; a name is at most ~450 characters, so this never cuts in practice.
    private static string Truncate(string value) => value.Length > 1024 ? value[..1024] : value;
}
