using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Client.Images;
using Platform.Client.Registry;
using Platform.Common.Errors;
using Platform.Common.References;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Content;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;
using ContractDescriptor = Platform.Contracts.Images.Descriptor;

namespace Platform.ResourceGc.Pull;

/// <summary>
/// Fetches an image from a registry straight into the content store (<see cref="FetchImage"/>): resolve, walk down, then
/// write configs and layers a few at a time through <see cref="ContentWriter.WriteFromAsync"/> (streamed, verified, under
/// the caller's lease), then the manifests and indexes in order, labelled with the GC edges to what came before them,
/// exactly as a client-side load labels them (<see cref="ImageGcLabels"/>). Ingest refs are <c>pull-DIGEST</c>, the client
/// pull's, so an interrupted pull of either kind resumes each blob where it stopped, with a Range request.
/// </summary>
public sealed class ImageFetcher(
    ContentWriter writer,
    ContentService content,
    IResourceStore store,
    RegistryPolicy policy,
    IOptions<PullOptions> options,
    ILogger<ImageFetcher> logger)
{
    public async Task<FetchImageResult> FetchAsync(FetchImage request, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        if (string.IsNullOrEmpty(request.LeaseId))
            throw PlatformException.InvalidArgument("leaseId must be set: the lease holds the fetched content until an image names it");
        var name = ImageName.Parse(request.Reference ?? throw PlatformException.InvalidArgument("reference must be set"));
        var platform = request.AllPlatforms ? null : string.IsNullOrEmpty(request.Platform) ? ImagePlatform.Host : ImagePlatform.Parse(request.Platform);
        policy.Check(name.Domain);
        _ = await store.ListLeaseResourcesAsync(ns, request.LeaseId, ct); // NotFound before any registry request

        using var registry = new RegistryClient(name.Domain, new RegistryClientOptions
        {
            PlainHttp = request.PlainHttp,
            Credentials = request.Credentials is { } login ? new RegistryCredentials(login.Username, login.Password) : null,
            Timeout = options.Value.RequestTimeout,
        });
        try
        {
            var root = await registry.ResolveAsync(name.Path, name.Digest ?? name.Tag!, ct);
            var walk = new ImageWalk(registry, name.Path, platform);
            await walk.AddAsync(root, name.Normalized, ct);

            var fetched = new ConcurrentDictionary<string, long>();
            var leaves = walk.Blobs.Where(b => b.Role != BlobRole.Document).ToList();
            await Parallel.ForEachAsync(leaves, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct },
                async (blob, token) => fetched[blob.Descriptor.Digest] = await WriteAsync(ns, request.LeaseId, blob, registry, name.Path, token));
            foreach (var document in walk.Blobs.Where(b => b.Role == BlobRole.Document))
                fetched[document.Descriptor.Digest] = await WriteAsync(ns, request.LeaseId, document, registry, name.Path, ct);

            var blobs = walk.Blobs.Select(b => new FetchedBlob
            {
                MediaType = b.Descriptor.MediaType, Digest = b.Descriptor.Digest, Size = b.Descriptor.Size, Fetched = fetched[b.Descriptor.Digest],
            }).ToList();
            var result = new FetchImageResult
            {
                Target = new ContractDescriptor { MediaType = root.Descriptor.MediaType, Digest = root.Descriptor.Digest, Size = root.Descriptor.Size },
                Blobs = blobs,
                Manifests = walk.Blobs.Count(b => b.Role == BlobRole.Document),
                Configs = walk.Blobs.Count(b => b.Role == BlobRole.Config),
                Layers = walk.Blobs.Count(b => b.Role == BlobRole.Layer),
                BytesFetched = blobs.Sum(b => b.Fetched),
                BytesPresent = blobs.Sum(b => b.Size - b.Fetched),
            };
            logger.LogInformation("Image {Reference} ({Target}) fetched into namespace {Namespace}: {BytesFetched} bytes fetched, {BytesPresent} present",
                name.Normalized, root.Descriptor.Digest, ns, result.BytesFetched, result.BytesPresent);
            return result;
        }
        catch (RegistryException e)
        {
            throw RegistryAccess.ToPlatform(e, name.Domain, request.PlainHttp);
        }
    }

    /// <summary>Stores one blob unless the namespace has it; labels a document with its edges. Returns the bytes fetched.</summary>
    private async Task<long> WriteAsync(string ns, string leaseId, WalkedBlob blob, RegistryClient registry, string repository, CancellationToken ct)
    {
        var d = blob.Descriptor;
        var labels = blob.Bytes is { } json ? ImageGcLabels.For(d, json) : new Dictionary<string, string>();
        Func<long, CancellationToken, Task<Stream>> open = blob.Bytes is { } bytes
            ? (offset, _) => Task.FromResult<Stream>(new MemoryStream(bytes, (int)offset, bytes.Length - (int)offset, writable: false))
            : (offset, token) => registry.OpenBlobForDigestingCallerAsync(repository, d, offset, token); // the ingest hashes and checks it
        var (stored, fetched) = await writer.WriteFromAsync(new BeginContentIngest
        {
            Namespace = ns, Ref = "pull-" + d.Digest, Size = d.Size, Digest = d.Digest, Labels = labels, LeaseId = leaseId,
        }, open, e => e is RegistryException { Kind: RegistryErrorKind.Unavailable } or OperationCanceledException, ct);
        // Stored before without these labels (a blob of another image, say): add them, since the collector follows them.
        if (labels.Any(l => !stored.Labels.TryGetValue(l.Key, out var v) || v != l.Value))
            await content.UpdateLabelsAsync(ns, d.Digest, labels.ToDictionary(l => l.Key, l => (string?)l.Value), ct);
        return fetched;
    }
}
