using Platform.Client.Registry;
using Platform.Common.Errors;
using Platform.Common.References;

namespace Platform.Client.Images;

/// <summary>How to push an image.</summary>
public sealed record ImagePushOptions : RegistryAccessOptions
{
    /// <summary>
    /// Optional. Push only this platform's manifest of an index (as <c>docker push --platform</c>): the remote name then
    /// names that manifest. When null, an index is pushed whole, which needs every manifest it lists in the content store.
    /// </summary>
    public ImagePlatform? Platform { get; init; }
}

/// <summary>What a push put in the registry: the normalised remote name and the descriptor it now names.</summary>
public sealed record PushedImage(string Name, Descriptor Target);

/// <summary>
/// Pushes an image from the content store to a registry, as <c>ctr images push</c> does: the image's target is walked in the
/// content store (an index → its manifests; a manifest → its config and layers), the blobs are uploaded a few at a time
/// (each skipped when the registry has it), then the manifests bottom-up by digest, and the top one under the tag. Every
/// blob is checked present before anything is sent, so a missing blob fails the push with NotFound naming it and nothing
/// in the registry changes.
/// </summary>
public sealed class ImagePusher(PlatformClient client)
{
    public async Task<PushedImage> PushAsync(string localName, string? remoteReference = null, ImagePushOptions? options = null,
        IProgress<BlobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new ImagePushOptions();
        var ns = client.Namespace(options.Namespace);
        var local = ImageName.Parse(localName);
        var remote = remoteReference is null ? local : ImageName.Parse(remoteReference);
        var image = await client.Images.GetAsync(local.Normalized, ns, cancellationToken);
        var plan = new Plan(client, ns, image.Name);
        var top = await plan.ChooseAsync(new Descriptor { MediaType = image.Target.MediaType, Digest = image.Target.Digest, Size = image.Target.Size },
            options.Platform, cancellationToken);
        await plan.AddAsync(top, cancellationToken);
        if (remote.Digest is not null && remote.Digest != top.Digest)
            throw PlatformException.InvalidArgument($"{remote.Normalized} pins digest {remote.Digest}, but image {image.Name} is {top.Digest}");

        using var registry = RegistryAccess.Open(remote.Domain, options);
        try
        {
            await Parallel.ForEachAsync(plan.Blobs, new ParallelOptions { MaxDegreeOfParallelism = ContentWrites.Parallelism, CancellationToken = cancellationToken },
                async (blob, ct) =>
                {
                    progress?.Report(new BlobProgress(blob.Digest, blob.MediaType, 0, blob.Size));
                    var uploaded = await registry.PushBlobAsync(remote.Path, blob,
                        () => new CountingStream(client.Content.OpenRead(blob.Digest, blob.Size, ns), blob, progress), ct);
                    progress?.Report(new BlobProgress(blob.Digest, blob.MediaType, blob.Size, blob.Size, Existed: !uploaded));
                });
            Descriptor pushed = top;
            foreach (var (descriptor, bytes) in plan.Documents)
            {
                var isTop = descriptor.Digest == top.Digest;
                pushed = await registry.PushManifestAsync(remote.Path, isTop ? remote.Tag ?? remote.Digest! : descriptor.Digest, descriptor.MediaType, bytes, cancellationToken);
                progress?.Report(new BlobProgress(descriptor.Digest, descriptor.MediaType, descriptor.Size, descriptor.Size));
            }
            return new PushedImage(remote.Normalized, pushed);
        }
        catch (RegistryException e)
        {
            throw RegistryAccess.ToPlatform(e, remote.Domain, options.PlainHttp);
        }
    }

    /// <summary>What to push: blobs, and the documents bottom-up (the top one last), all checked present in the content store.</summary>
    private sealed class Plan(PlatformClient client, string ns, string imageName)
    {
        private readonly HashSet<string> _seen = [];

        public List<Descriptor> Blobs { get; } = [];

        public List<(Descriptor Descriptor, byte[] Bytes)> Documents { get; } = [];

        /// <summary>The target, or with a platform given, the index's manifest for it.</summary>
        public async Task<Descriptor> ChooseAsync(Descriptor target, ImagePlatform? platform, CancellationToken ct)
        {
            while (platform is not null && MediaTypes.IsIndex(target.MediaType))
            {
                var index = OciJson.ParseIndex(await ReadDocumentAsync(target, ct), $"index {target.Digest} of image {imageName}");
                target = PlatformSelection.SelectManifest(index, platform, $"index {target.Digest} of image {imageName}");
            }
            return target;
        }

        public async Task AddAsync(Descriptor descriptor, CancellationToken ct)
        {
            if (!_seen.Add(descriptor.Digest))
                return;
            var bytes = await ReadDocumentAsync(descriptor, ct);
            var where = $"{descriptor.MediaType} {descriptor.Digest} of image {imageName}";
            if (MediaTypes.IsIndex(descriptor.MediaType))
            {
                var index = OciJson.ParseIndex(bytes, where);
                var children = index.Manifests.Where(d => MediaTypes.IsManifestOrIndex(d.MediaType)).ToList();
                var absent = new List<Descriptor>();
                foreach (var child in children)
                {
                    if (await InfoOrNullAsync(child, ct) is null)
                        absent.Add(child);
                }
                // The registry refuses an index that lists manifests it lacks; say so before anything is sent.
                if (absent.Count > 0)
                    throw PlatformException.FailedPrecondition(
                        $"{where} lists {absent.Count} manifest(s) the content store lacks ({string.Join(", ", absent.Select(d => $"{d.Platform?.ToString() ?? "no platform"} {d.Digest}"))}): " +
                        "pull the image with all platforms first, or push one platform's manifest (--platform)");
                foreach (var child in children)
                    await AddAsync(child, ct);
            }
            else if (MediaTypes.IsManifest(descriptor.MediaType))
            {
                var manifest = OciJson.ParseManifest(bytes, where);
                foreach (var blob in manifest.Layers.Prepend(manifest.Config!))
                {
                    if (!_seen.Add(blob.Digest))
                        continue;
                    var info = await InfoOrNullAsync(blob, ct)
                        ?? throw PlatformException.NotFound($"blob {blob.Digest} ({blob.MediaType}) of image {imageName} is not in the content store");
                    if (info.Size != blob.Size)
                        throw PlatformException.FailedPrecondition($"blob {blob.Digest} of image {imageName} is {info.Size} bytes in the content store, but {where} says {blob.Size}");
                    Blobs.Add(new Descriptor { MediaType = blob.MediaType, Digest = blob.Digest, Size = blob.Size });
                }
            }
            else
            {
                throw PlatformException.InvalidArgument($"{where}: neither an image manifest nor an index, so it can't be pushed");
            }
            Documents.Add((descriptor, bytes));
        }

        private async Task<byte[]> ReadDocumentAsync(Descriptor descriptor, CancellationToken ct)
        {
            var info = await InfoOrNullAsync(descriptor, ct)
                ?? throw PlatformException.NotFound($"{descriptor.MediaType} {descriptor.Digest} of image {imageName} is not in the content store");
            if (info.Size != descriptor.Size || info.Size > OciJson.MaxDocumentBytes)
                throw PlatformException.FailedPrecondition($"{descriptor.MediaType} {descriptor.Digest} of image {imageName} is {info.Size} bytes in the content store; its descriptor says {descriptor.Size}");
            await using var stream = client.Content.OpenRead(descriptor.Digest, info.Size, ns);
            var bytes = new byte[info.Size];
            await stream.ReadExactlyAsync(bytes, ct);
            if (Digest.Compute(bytes) != descriptor.Digest)
                throw PlatformException.FailedPrecondition($"{descriptor.MediaType} {descriptor.Digest} of image {imageName}: the content store's bytes have another digest");
            return bytes;
        }

        private async Task<Contracts.Resources.Content?> InfoOrNullAsync(Descriptor descriptor, CancellationToken ct)
        {
            Digest.Validate(descriptor.Digest, $"a descriptor's digest in image {imageName}");
            try
            {
                return await client.Content.InfoAsync(descriptor.Digest, ns, ct);
            }
            catch (PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound)
            {
                return null;
            }
        }
    }

    /// <summary>Reports a blob's upload as its bytes are read.</summary>
    private sealed class CountingStream(Stream inner, Descriptor blob, IProgress<BlobProgress>? progress) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => blob.Size;

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Counted(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

        private int Counted(int n)
        {
            _read += n;
            if (n > 0)
                progress?.Report(new BlobProgress(blob.Digest, blob.MediaType, Math.Min(_read, blob.Size), blob.Size));
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
