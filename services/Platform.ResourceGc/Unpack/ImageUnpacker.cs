using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Client.Images;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Hosting.Security;
using Platform.ResourceGc.Content;
using Platform.ResourceGc.Drivers;
using Platform.ResourceGc.Import;
using Platform.ResourceGc.Leases;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Unpack;

/// <summary>
/// Unpacks an image from the content store into snapshots named by chain id. Each layer is unpacked onto its parent's
/// chain and checked against the config's diff id before it is committed; an existing chain is reused. The chain is
/// held by a lease of the unpack's own while it grows (so no collection takes a layer before the next one stands on
/// it), then the config is labelled <c>platform.io/gc.ref.snapshot.SNAPSHOTTER=CHAIN</c>: from then on the image keeps
/// it through manifest → config → snapshot. Two unpacks of one chain in this service take turns per layer, and the
/// second reuses what the first made.
/// </summary>
public sealed class ImageUnpacker(
    ContentService content,
    SnapshotService snapshots,
    Snapshotters snapshotters,
    IResourceStore store,
    LeaseService leases,
    TimeProvider clock,
    IOptions<ResourceGcOptions> options,
    ILogger<ImageUnpacker> logger)
{
    /// <summary>How long the unpack's own lease lasts should the service die half-way (the collector then takes the partial chain).</summary>
    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<(string, string, string), SemaphoreSlim> _layers = new();

    /// <summary>Unpacks the image for <paramref name="caller"/>, whose privilege in the namespace decides what its layers may hold (device nodes).</summary>
    public async Task<UnpackImageResult> UnpackAsync(UnpackImage request, Caller caller, CancellationToken ct)
    {
        var ns = SnapshotRules.Namespace(request.Namespace);
        var rules = ArchiveRules.For(options.Value, caller.IsPrivilegedIn(ns));
        var driver = snapshotters.Get(request.Snapshotter);
        var target = ContentRules.Digest(request.Digest);
        var platform = string.IsNullOrEmpty(request.Platform) ? ImagePlatform.Host : ImagePlatform.Parse(request.Platform);
        var (manifestDigest, manifest) = await ManifestAsync(ns, target, platform, ct);
        var configDigest = manifest.Config!.Digest;
        var config = OciJson.ParseConfig(await ReadDocumentAsync(ns, configDigest, "config", ct), $"config {configDigest}");
        var diffIds = config.RootFs?.DiffIds ?? [];
        if (diffIds.Count != manifest.Layers.Count)
            throw PlatformException.InvalidArgument(
                $"manifest {manifestDigest} has {manifest.Layers.Count} layers but its config {configDigest} lists {diffIds.Count} diff ids");
        foreach (var diffId in diffIds)
            ContentRules.Digest(diffId);
        var chain = ChainIds.Of(diffIds);

        var lease = await leases.CreateAsync(new CreateLease
        {
            Namespace = ns,
            Labels = new Dictionary<string, string> { ["platform.io/unpack"] = manifestDigest },
            ExpiresAt = clock.GetUtcNow() + LeaseLifetime,
        }, ct);
        try
        {
            var unpacked = 0;
            for (var i = 0; i < chain.Count; i++)
            {
                var parent = i == 0 ? null : chain[i - 1];
                if (await LayerAsync(ns, driver, manifest.Layers[i], diffIds[i], chain[i], parent, lease.Id, rules, ct))
                    unpacked++;
            }
            if (!string.IsNullOrEmpty(request.LeaseId) && chain.Count > 0)
                await leases.ChangeResourceAsync(ns, request.LeaseId, new ResourceRef { Kind = ResourceKinds.Snapshot, Snapshotter = driver.Name, Key = chain[^1] }, add: true, ct);
            // Labelled once: a second unpack of the same chain changes nothing (not even the config's updatedAt).
            if (chain.Count > 0 && (await content.InfoAsync(ns, configDigest, ct))?.Labels.GetValueOrDefault(GcLabels.SnapshotRef + driver.Name) != chain[^1])
                await content.UpdateLabelsAsync(ns, configDigest, new Dictionary<string, string?> { [GcLabels.SnapshotRef + driver.Name] = chain[^1] }, ct);
            logger.LogInformation("Image {Manifest} unpacked into {Snapshotter}/{ChainId} in namespace {Namespace}: {Unpacked} of {Layers} layers new",
                manifestDigest, driver.Name, chain.LastOrDefault(), ns, unpacked, chain.Count);
            return new UnpackImageResult
            {
                Snapshotter = driver.Name, ChainId = chain.LastOrDefault() ?? "", Manifest = manifestDigest, Config = configDigest,
                Layers = chain.Count, Unpacked = unpacked,
            };
        }
        finally
        {
            await leases.DeleteAsync(new DeleteLease { Namespace = ns, Id = lease.Id }, CancellationToken.None);
        }
    }

    /// <summary>Makes (or finds) the committed snapshot <paramref name="chainId"/> and puts it in the lease; true when it was unpacked now.</summary>
    private async Task<bool> LayerAsync(string ns, ISnapshotDriver driver, Descriptor layer, string diffId, string chainId, string? parent,
        string leaseId, ArchiveRules rules, CancellationToken ct)
    {
        var turn = _layers.GetOrAdd((ns, driver.Name, chainId), _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(ct);
        try
        {
            if (await ReuseAsync(ns, driver, chainId, leaseId, ct))
                return false;
            CheckLayerType(layer);
            _ = await content.InfoAsync(ns, layer.Digest, ct)
                ?? throw PlatformException.NotFound($"layer {layer.Digest} is not in the content store of namespace {ns}; load or pull the image again");
            var blob = content.BlobPath(layer.Digest);
            try
            {
                await snapshots.CreateFilledAsync(ns, driver, chainId, parent, new Dictionary<string, string>(), leaseId, SnapshotKind.Committed,
                    dirId => TarUnpacker.UnpackLayerAsync(blob, driver.FilesPath(dirId), TarUnpacker.WhiteoutsFor(driver, parent), diffId, rules, ct), ct);
                return true;
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.AlreadyExists)
            {
                // Another service instance made it meanwhile.
                if (await ReuseAsync(ns, driver, chainId, leaseId, ct))
                    return false;
                throw;
            }
        }
        finally
        {
            turn.Release();
            if (turn.CurrentCount == 1)
                _layers.TryRemove(KeyValuePair.Create((ns, driver.Name, chainId), turn));
        }
    }

    /// <summary>True when the chain snapshot exists committed; it is then added to the lease, so it can't go before its child stands on it.</summary>
    private async Task<bool> ReuseAsync(string ns, ISnapshotDriver driver, string chainId, string leaseId, CancellationToken ct)
    {
        var existing = await store.GetSnapshotAsync(ns, driver.Name, chainId, ct);
        if (existing is null)
            return false;
        if (existing.Kind != SnapshotKind.Committed)
            throw PlatformException.FailedPrecondition(
                $"snapshot {driver.Name}/{chainId} exists but is {existing.Kind.ToString().ToLowerInvariant()}, so it can't be an image layer; remove it first");
        try
        {
            await leases.ChangeResourceAsync(ns, leaseId, new ResourceRef { Kind = ResourceKinds.Snapshot, Snapshotter = driver.Name, Key = chainId }, add: true, ct);
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            return false; // collected between the read and the hold: unpack it again
        }
        return true;
    }

    private static void CheckLayerType(Descriptor layer)
    {
        if (layer.MediaType is MediaTypes.OciLayer or MediaTypes.OciLayerGzip or MediaTypes.DockerLayer or MediaTypes.DockerLayerGzip or MediaTypes.DockerForeignLayerGzip)
            return;
        throw PlatformException.InvalidArgument(layer.MediaType == MediaTypes.OciLayerZstd
            ? $"layer {layer.Digest} is zstd-compressed ({layer.MediaType}), which this service does not unpack yet; use an image with gzip or uncompressed layers"
            : $"layer {layer.Digest} has media type \"{layer.MediaType}\", which is not an image layer this service can unpack");
    }

    private async Task<(string Digest, ImageManifest Manifest)> ManifestAsync(string ns, string digest, ImagePlatform platform, CancellationToken ct)
    {
        for (var depth = 0; depth < 4; depth++)
        {
            var bytes = await ReadDocumentAsync(ns, digest, "image target", ct);
            if (IsIndex(bytes))
            {
                digest = PlatformSelection.SelectManifest(OciJson.ParseIndex(bytes, $"index {digest}"), platform, $"index {digest}").Digest;
                continue;
            }
            return (digest, OciJson.ParseManifest(bytes, $"manifest {digest}"));
        }
        throw PlatformException.InvalidArgument($"image {digest}: indexes nest more than 4 deep");
    }

    private async Task<byte[]> ReadDocumentAsync(string ns, string digest, string what, CancellationToken ct)
    {
        var info = await content.InfoAsync(ns, digest, ct)
            ?? throw PlatformException.NotFound($"{what} {digest} is not in the content store of namespace {ns}");
        if (info.Size > OciJson.MaxDocumentBytes)
            throw PlatformException.InvalidArgument($"{what} {digest} is {info.Size} bytes, more than a manifest, index or config may be ({OciJson.MaxDocumentBytes})");
        await using var stream = await content.OpenReadAsync(ns, digest, ct);
        var buffer = new byte[info.Size];
        await stream.ReadExactlyAsync(buffer, ct);
        return buffer;
    }

    /// <summary>An index by its media type, or, for documents that leave it out (it is optional), by having <c>manifests</c>.</summary>
    private static bool IsIndex(byte[] json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object)
                return false;
            if (root.TryGetProperty("mediaType", out var type) && type.ValueKind == System.Text.Json.JsonValueKind.String)
                return MediaTypes.IsIndex(type.GetString());
            return root.TryGetProperty("manifests", out _);
        }
        catch (System.Text.Json.JsonException)
        {
            return false; // ParseManifest names what is wrong with it
        }
    }
}
