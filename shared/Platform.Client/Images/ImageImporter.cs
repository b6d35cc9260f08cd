using System.IO.Compression;
using System.Security.Cryptography;
using Platform.Common.References;
using Platform.Contracts.Resources;

namespace Platform.Client.Images;

/// <summary>
/// docker import: an image of one layer made from a root filesystem tar (or tar.gz), with a config the caller gives
/// (Cmd, Entrypoint, Env, WorkingDir, User, StopSignal). The layer is stored as it is (its digest hashed here, its diff id
/// too: the uncompressed bytes), with a config and an OCI manifest made here, under a lease; then unpacked and named as
/// a load does. The tar stream must be seekable: it is read once to hash and once to send.
/// </summary>
public sealed class ImageImporter(PlatformClient client)
{
    public async Task<LoadedImage> ImportAsync(Stream tar, string name, ContainerConfig config, string? snapshotter = null, string? @namespace = null,
        IProgress<BlobProgress>? progress = null, CancellationToken ct = default)
    {
        var ns = client.Namespace(@namespace);
        var normalized = ImageName.Parse(name).Normalized;
        var start = tar.Position;
        var (digest, diffId, size, gzip) = await HashAsync(tar, ct);
        tar.Position = start;

        var platform = ImagePlatform.Host;
        var layer = new Descriptor { MediaType = gzip ? MediaTypes.OciLayerGzip : MediaTypes.OciLayer, Digest = digest, Size = size };
        var configBytes = OciJson.Serialize(new ImageConfig
        {
            Created = DateTimeOffset.UtcNow, Architecture = platform.Architecture, Os = platform.Os, Variant = platform.Variant,
            Config = config, RootFs = new RootFs { DiffIds = [diffId] },
            History = [new HistoryEntry { Created = DateTimeOffset.UtcNow, CreatedBy = "platformctl images import", Comment = "imported from a root filesystem" }],
        });
        var configDescriptor = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Compute(configBytes), Size = configBytes.Length };
        var manifestBytes = OciJson.Serialize(new ImageManifest { SchemaVersion = 2, MediaType = MediaTypes.OciManifest, Config = configDescriptor, Layers = [layer] });
        var manifest = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute(manifestBytes), Size = manifestBytes.Length };

        var lease = await client.Leases.CreateAsync(new CreateLease
        {
            Namespace = ns, Labels = new Dictionary<string, string> { ["platform.io/import"] = normalized }, ExpiresAt = DateTimeOffset.UtcNow + ImageLoader.LeaseLifetime,
        }, ct);
        try
        {
            await ContentWrites.StoreAsync(client,
            [
                new BlobSource(layer, (offset, _) =>
                {
                    tar.Position = start + offset;
                    return Task.FromResult<Stream>(new KeepOpenStream(tar));
                }),
                new BlobSource(configDescriptor, (offset, _) => Task.FromResult<Stream>(new MemoryStream(configBytes, (int)offset, configBytes.Length - (int)offset))),
                new BlobSource(manifest, (offset, _) => Task.FromResult<Stream>(new MemoryStream(manifestBytes, (int)offset, manifestBytes.Length - (int)offset))),
            ], lease.Id, ns, "import", progress, ct);
            var unpacked = await client.Images.UnpackAsync(manifest.Digest, null, snapshotter, lease.Id, ns, ct);
            return new LoadedImage(await client.Images.PutAsync(normalized, ImageLoader.Convert(manifest), ns, ct), unpacked);
        }
        finally
        {
            await ContentWrites.DropLeaseAsync(client, lease.Id, ns);
        }
    }

    /// <summary>The digest and size of the bytes as they are, the digest of their uncompressed form, and whether they are gzip.</summary>
    private static async Task<(string Digest, string DiffId, long Size, bool Gzip)> HashAsync(Stream tar, CancellationToken ct)
    {
        var start = tar.Position;
        var magic = new byte[2];
        var gzip = await tar.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, ct) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        tar.Position = start;
        var (digest, size) = await Digest.ComputeAsync(tar, ct);
        if (!gzip)
            return (digest, digest, size, false);
        tar.Position = start;
        await using var uncompressed = new GZipStream(tar, CompressionMode.Decompress, leaveOpen: true);
        var diffId = Digest.FromHash(await SHA256.HashDataAsync(uncompressed, ct));
        return (digest, diffId, size, true);
    }
}
