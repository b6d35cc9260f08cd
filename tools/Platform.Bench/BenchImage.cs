using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Testing;

namespace Platform.Bench;

/// <summary>
/// The image the image benchmark moves around: a busybox base layer (Debian's busybox-static) and layers of one file of
/// random bytes each, so their gzip is as large as their content and every reader pays the full size. Written as an OCI
/// layout folder (which skopeo seeds the registry from) and as an OCI archive of that folder (which both loaders read),
/// streaming: no layer is ever held in memory.
/// </summary>
public sealed class BenchImage
{
    public const string LayerMediaType = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string ManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    public const string ConfigMediaType = "application/vnd.oci.image.config.v1+json";
    public const string IndexMediaType = "application/vnd.oci.image.index.v1+json";

    private BenchImage(string layout, string archive, string name, string tag, string manifestDigest, int layers, long layerBytes)
    {
        Layout = layout;
        Archive = archive;
        Name = name;
        Tag = tag;
        ManifestDigest = manifestDigest;
        Layers = layers;
        LayerBytes = layerBytes;
    }

    public string Layout { get; }

    public string Archive { get; }

    /// <summary>The full name, as index.json's <c>io.containerd.image.name</c> gives it (ctr imports it as written).</summary>
    public string Name { get; }

    /// <summary>The tag, as index.json's <c>org.opencontainers.image.ref.name</c> gives it (skopeo's <c>oci:LAYOUT:TAG</c>).</summary>
    public string Tag { get; }

    public string ManifestDigest { get; }

    public int Layers { get; }

    /// <summary>The compressed size of all layers together.</summary>
    public long LayerBytes { get; }

    public long ArchiveBytes => new FileInfo(Archive).Length;

    /// <summary>
    /// Writes the layout under <paramref name="folder"/>/layout and the archive as <paramref name="folder"/>/image.tar:
    /// the busybox layer, then <paramref name="randomLayers"/> layers of <paramref name="randomLayerBytes"/> random bytes.
    /// </summary>
    public static async Task<BenchImage> WriteAsync(string folder, string name, int randomLayers, long randomLayerBytes, CancellationToken ct = default)
    {
        var layout = Path.Combine(folder, "layout");
        var blobs = Path.Combine(layout, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var layers = new List<(string Digest, long Size, string DiffId)>
        {
            await WriteLayerAsync(blobs, null, OciImages.BusyboxLayer()),
        };
        for (var i = 1; i <= randomLayers; i++)
        {
            var file = $"data/layer-{i}.bin";
            layers.Add(await WriteLayerAsync(blobs, writer =>
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "data/") { Mode = (UnixFileMode)0b111_101_101 });
                using var random = new RandomStream(randomLayerBytes);
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, file) { Mode = (UnixFileMode)0b110_100_100, DataStream = random });
            }, null));
        }

        var config = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["created"] = "2024-01-01T00:00:00Z",
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject
            {
                ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                ["Cmd"] = new JsonArray("sh"),
                ["WorkingDir"] = "/",
            },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layers.Select(l => (JsonNode)l.DiffId).ToArray()) },
        }.ToJsonString());
        var configDigest = await WriteBlobAsync(blobs, config);
        var manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestMediaType,
            ["config"] = Descriptor(ConfigMediaType, configDigest, config.Length),
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)Descriptor(LayerMediaType, l.Digest, l.Size)).ToArray()),
        }.ToJsonString());
        var manifestDigest = await WriteBlobAsync(blobs, manifest);

        var colon = name.LastIndexOf(':');
        var tag = name[(colon + 1)..];
        var entry = Descriptor(ManifestMediaType, manifestDigest, manifest.Length);
        entry["annotations"] = new JsonObject { ["io.containerd.image.name"] = name, ["org.opencontainers.image.ref.name"] = tag };
        var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = IndexMediaType, ["manifests"] = new JsonArray(entry) };
        await File.WriteAllTextAsync(Path.Combine(layout, "index.json"), index.ToJsonString(), ct);
        await File.WriteAllTextAsync(Path.Combine(layout, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""", ct);

        var archive = Path.Combine(folder, "image.tar");
        await using (var output = File.Create(archive))
            await TarFile.CreateFromDirectoryAsync(layout, output, includeBaseDirectory: false, ct);
        return new BenchImage(layout, archive, name, tag, manifestDigest, layers.Count, layers.Sum(l => l.Size));
    }

    private static JsonObject Descriptor(string mediaType, string digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };

    private static async Task<string> WriteBlobAsync(string blobs, byte[] content)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        await File.WriteAllBytesAsync(Path.Combine(blobs, digest["sha256:".Length..]), content);
        return digest;
    }

    /// <summary>
    /// A gzip layer written through two hashes: the tar's (the diff id) and the gzip's (the blob digest). With
    /// <paramref name="tar"/> given, those bytes are the whole tar; otherwise <paramref name="write"/> writes it.
    /// </summary>
    private static async Task<(string Digest, long Size, string DiffId)> WriteLayerAsync(string blobs, Action<TarWriter>? write, byte[]? tar)
    {
        var temporary = Path.Combine(blobs, $".layer-{Guid.NewGuid():N}");
        using var diffId = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size;
        await using (var file = File.Create(temporary))
        {
            var compressed = new HashingStream(file, digest);
            await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                var plain = new HashingStream(gzip, diffId);
                if (tar is not null)
                    plain.Write(tar);
                else
                    using (var writer = new TarWriter(plain, TarEntryFormat.Pax, leaveOpen: true))
                        write!(writer);
            }
            size = compressed.Written;
        }
        var hex = Convert.ToHexStringLower(digest.GetHashAndReset());
        File.Move(temporary, Path.Combine(blobs, hex), overwrite: true);
        return ("sha256:" + hex, size, "sha256:" + Convert.ToHexStringLower(diffId.GetHashAndReset()));
    }

    /// <summary>Passes writes through to <c>inner</c>, hashing and counting them.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
            Written += buffer.Length;
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary><c>length</c> random bytes, made as they are read (seekable only so TarWriter can learn the length).</summary>
    private sealed class RandomStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = value == _position ? value : throw new NotSupportedException("a random stream reads forward only");
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            Random.Shared.NextBytes(buffer[..n]);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) =>
            origin == SeekOrigin.Current && offset == 0 ? _position : throw new NotSupportedException("a random stream reads forward only");

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
