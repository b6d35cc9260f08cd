using System.Text.Json.Serialization;
using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>One entry of a docker save <c>manifest.json</c>.</summary>
public sealed record DockerArchiveEntry
{
    /// <summary>Path of the config inside the archive (<c>&lt;hex&gt;.json</c>, or <c>blobs/sha256/&lt;hex&gt;</c> since Docker 25).</summary>
    [JsonPropertyName("Config")]
    public string Config { get; init; } = "";

    /// <summary>Names as docker writes them (<c>busybox:1.36</c>); may be absent.</summary>
    [JsonPropertyName("RepoTags")]
    public IReadOnlyList<string>? RepoTags { get; init; }

    /// <summary>Paths of the layer tars, base first.</summary>
    [JsonPropertyName("Layers")]
    public IReadOnlyList<string> Layers { get; init; } = [];
}

/// <summary>
/// Reads a legacy docker save archive, which carries no manifests and no digests: for each manifest.json entry it
/// hashes the config and the layers (streaming each file once) and synthesises a Docker schema 2 manifest, which
/// becomes the image's target. A layer is <c>…diff.tar.gzip</c> when it starts with gzip's magic bytes, else
/// <c>…diff.tar</c>.
/// </summary>
internal sealed class DockerArchiveReader(IArchiveSource source)
{
    private readonly BlobList blobs = new();
    private readonly Dictionary<string, Descriptor> layersByPath = new(StringComparer.Ordinal);

    public async Task<(IReadOnlyList<ArchiveImage> Images, IReadOnlyList<ArchiveBlob> Blobs)> ReadAsync(CancellationToken cancellationToken)
    {
        var where = $"{source.Location}: manifest.json";
        var entries = OciJson.Parse<List<DockerArchiveEntry>>(
            await source.ReadDocumentAsync("manifest.json", "docker save's manifest", cancellationToken), where);
        if (entries.Count == 0)
            throw PlatformException.InvalidArgument($"{where}: lists no images");

        var images = new List<ArchiveImage>();
        foreach (var entry in entries)
        {
            if (entry.Config.Length == 0)
                throw PlatformException.InvalidArgument($"{where}: an entry has no Config");
            var configBytes = await source.ReadDocumentAsync(entry.Config, "the image config named by manifest.json", cancellationToken);
            var config = OciJson.ParseConfig(configBytes, $"{source.Location}: {entry.Config}");
            var diffIds = config.RootFs?.DiffIds ?? [];
            if (diffIds.Count != entry.Layers.Count)
                throw PlatformException.InvalidArgument(
                    $"{where}: {entry.Layers.Count} layers for config {entry.Config}, whose rootfs.diff_ids has {diffIds.Count}");

            var layers = new List<Descriptor>();
            foreach (var path in entry.Layers)
                layers.Add(await LayerAsync(path, cancellationToken));

            var configDescriptor = new Descriptor { MediaType = MediaTypes.DockerConfig, Digest = Digest.Compute(configBytes), Size = configBytes.Length };
            var manifestBytes = OciJson.Serialize(new ImageManifest
            {
                SchemaVersion = 2,
                MediaType = MediaTypes.DockerManifest,
                Config = configDescriptor,
                Layers = layers,
            });
            var target = new Descriptor { MediaType = MediaTypes.DockerManifest, Digest = Digest.Compute(manifestBytes), Size = manifestBytes.Length };

            blobs.Add(configDescriptor, configBytes);
            blobs.Add(target, manifestBytes);
            if (entry.RepoTags is not { Count: > 0 })
                images.Add(new ArchiveImage(null, target));
            else
                images.AddRange(entry.RepoTags.Select(tag => new ArchiveImage(tag, target)));
        }
        return (images, blobs.Blobs);
    }

    private async Task<Descriptor> LayerAsync(string path, CancellationToken cancellationToken)
    {
        if (layersByPath.TryGetValue(path, out var known))
            return known;
        if (!source.TryGetSize(path, out _))
            throw PlatformException.InvalidArgument($"{source.Location}: layer {path} is listed by manifest.json but missing");

        string digest;
        long size;
        bool gzip;
        await using (var stream = source.Open(path))
        {
            var magic = new byte[2];
            var got = await stream.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken);
            gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            stream.Position = 0;
            (digest, size) = await Digest.ComputeAsync(stream, cancellationToken);
        }

        var descriptor = new Descriptor { MediaType = gzip ? MediaTypes.DockerLayerGzip : MediaTypes.DockerLayer, Digest = digest, Size = size };
        var what = $"{source.Location}: {path} ({descriptor.MediaType})";
        blobs.Add(descriptor, _ => Task.FromResult<Stream>(new VerifyingStream(source.Open(path), digest, size, what)));
        layersByPath[path] = descriptor;
        return descriptor;
    }
}
