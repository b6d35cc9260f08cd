using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Client.Images;
using Platform.Client.Registry;

namespace Platform.Registry.Tests.Support;

/// <summary>A small OCI image made in memory: a gzip layer of a few files, a config and a manifest, with true digests.</summary>
internal sealed class TestImage
{
    private TestImage(byte[] layer, byte[] config, byte[] manifest)
    {
        Layer = layer;
        Config = config;
        Manifest = manifest;
        LayerDescriptor = Describe(MediaTypes.OciLayerGzip, layer);
        ConfigDescriptor = Describe(MediaTypes.OciConfig, config);
        ManifestDescriptor = Describe(MediaTypes.OciManifest, manifest);
    }

    public byte[] Layer { get; }
    public byte[] Config { get; }
    public byte[] Manifest { get; }
    public Descriptor LayerDescriptor { get; }
    public Descriptor ConfigDescriptor { get; }
    public Descriptor ManifestDescriptor { get; }

    /// <param name="marker">Written into the layer, so images with different markers share no blob.</param>
    /// <param name="noiseBytes">Incompressible bytes added to the layer, to make it larger than a chunk.</param>
    public static TestImage Create(string marker, int noiseBytes = 0)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            AddFile(writer, "hello.txt", Encoding.UTF8.GetBytes("hello from platform\n"));
            AddFile(writer, "etc/marker", Encoding.UTF8.GetBytes(marker + "\n"));
            if (noiseBytes > 0)
                AddFile(writer, "noise.bin", RandomNumberGenerator.GetBytes(noiseBytes));
        }
        var diffId = Digest(tar.ToArray());
        var gzip = new MemoryStream();
        using (var zip = new GZipStream(gzip, CompressionLevel.Optimal, leaveOpen: true))
            zip.Write(tar.ToArray());
        var layer = gzip.ToArray();

        var config = JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = "amd64",
            os = "linux",
            config = new { Cmd = new[] { "/bin/sh" } },
            rootfs = new { type = "layers", diff_ids = new[] { diffId } },
        });
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciManifest,
            config = Json(Describe(MediaTypes.OciConfig, config)),
            layers = new[] { Json(Describe(MediaTypes.OciLayerGzip, layer)) },
        });
        return new TestImage(layer, config, manifest);
    }

    /// <summary>Writes an OCI image layout (oci-layout, index.json naming the manifest <paramref name="refName"/>, blobs/sha256/…).</summary>
    public void WriteLayout(string directory, string refName)
    {
        Directory.CreateDirectory(Path.Combine(directory, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        foreach (var (descriptor, bytes) in new[] { (LayerDescriptor, Layer), (ConfigDescriptor, Config), (ManifestDescriptor, Manifest) })
            File.WriteAllBytes(Path.Combine(directory, "blobs", "sha256", descriptor.Digest["sha256:".Length..]), bytes);
        var index = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciIndex,
            manifests = new[]
            {
                new
                {
                    mediaType = ManifestDescriptor.MediaType, digest = ManifestDescriptor.Digest, size = ManifestDescriptor.Size,
                    annotations = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = refName },
                },
            },
        });
        File.WriteAllBytes(Path.Combine(directory, "index.json"), index);
    }

    public static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static Descriptor Describe(string mediaType, byte[] bytes) => new() { MediaType = mediaType, Digest = Digest(bytes), Size = bytes.Length };

    private static object Json(Descriptor d) => new { mediaType = d.MediaType, digest = d.Digest, size = d.Size };

    private static void AddFile(TarWriter writer, string name, byte[] content)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(content),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        writer.WriteEntry(entry);
    }
}
