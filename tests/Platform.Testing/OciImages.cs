using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Testing;

/// <summary>
/// Builds real image archives from Debian's busybox-static, with nothing but the BCL (TarWriter, GZipStream, SHA256,
/// JsonNode), so the code under test never checks its own output. Blobs are held in memory: the fixtures are a few MiB.
/// </summary>
public static class OciImages
{
    public const string Passwd =
        "root:x:0:0:root:/root:/bin/sh\n" +
        "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n" +
        "app:x:1000:1000:app:/home/app:/bin/sh\n" +
        "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";

    public const string Group =
        "root:x:0:\n" +
        "daemon:x:1:\n" +
        "wheel:x:10:app\n" +
        "audio:x:29:app,root\n" +
        "app:x:1000:\n" +
        "nogroup:x:65534:\n";

    public const string DefaultName = "docker.io/library/busybox:1.36";

    public static string BusyboxPath => File.Exists("/bin/busybox") ? "/bin/busybox" : "/usr/bin/busybox";

    private static readonly string[] Applets = ["sh", "echo", "true", "false", "cat", "id", "ls", "sleep", "env"];

    /// <summary>An uncompressed rootfs tar: bin/busybox, a symlink per applet, etc/passwd, etc/group, and the usual folders.</summary>
    public static byte[] BusyboxLayer()
    {
        return Tar(writer =>
        {
            foreach (var folder in new[] { "bin/", "etc/", "tmp/", "root/", "proc/", "dev/", "sys/" })
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, folder) { Mode = (UnixFileMode)0b111_101_101 });
            using (var busybox = File.OpenRead(BusyboxPath))
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = (UnixFileMode)0b111_101_101, DataStream = busybox });
            foreach (var applet in Applets)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, $"bin/{applet}") { LinkName = "busybox" });
            WriteFile(writer, "etc/passwd", Passwd);
            WriteFile(writer, "etc/group", Group);
        });
    }

    /// <summary>A small layer: one file, and optionally a whiteout (<c>.wh.NAME</c>) deleting a path of a lower layer.</summary>
    public static byte[] FileLayer(string path, string content, string? whiteout = null) => Tar(writer =>
    {
        WriteFile(writer, path, content);
        if (whiteout is not null)
        {
            var slash = whiteout.LastIndexOf('/');
            var name = slash < 0 ? $".wh.{whiteout}" : $"{whiteout[..(slash + 1)]}.wh.{whiteout[(slash + 1)..]}";
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name));
        }
    });

    /// <summary>A busybox base and <paramref name="count"/> - 1 small layers; the third one whites out bin/false.</summary>
    public static List<byte[]> Layers(int count)
    {
        var layers = new List<byte[]> { BusyboxLayer() };
        for (var i = 1; i < count; i++)
            layers.Add(FileLayer($"etc/layer-{i}", $"layer {i}\n", whiteout: i == 2 ? "bin/false" : null));
        return layers;
    }

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(content);
        return output.ToArray();
    }

    public static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>An image config for the given layers (their diff ids), running <c>sh</c> by default.</summary>
    public static JsonObject Config(IEnumerable<byte[]> uncompressedLayers, string architecture = "amd64", string? variant = null, JsonObject? process = null)
    {
        var config = new JsonObject
        {
            ["created"] = "2024-01-01T00:00:00Z",
            ["architecture"] = architecture,
            ["os"] = "linux",
            ["config"] = process ?? new JsonObject
            {
                ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                ["Cmd"] = new JsonArray("sh"),
                ["WorkingDir"] = "/",
                ["Labels"] = new JsonObject { ["org.example.fixture"] = "busybox" },
            },
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray(uncompressedLayers.Select(l => (JsonNode)DigestOf(l)).ToArray()),
            },
        };
        if (variant is not null)
            config["variant"] = variant;
        return config;
    }

    /// <summary>A layout holding one busybox image named <see cref="DefaultName"/>.</summary>
    public static OciLayoutBuilder Busybox(int layers = 1)
    {
        var builder = new OciLayoutBuilder();
        var image = builder.AddImage(Layers(layers));
        builder.Name(image.Descriptor, DefaultName);
        return builder;
    }

    /// <summary>A layout holding an index for linux/amd64 (busybox) and linux/arm64/v8 (tiny fake blobs).</summary>
    public static (OciLayoutBuilder Builder, OciLayoutBuilder.Image Amd64, OciLayoutBuilder.Image Arm64, JsonObject Index) MultiPlatform()
    {
        var builder = new OciLayoutBuilder();
        var amd64 = builder.AddImage([BusyboxLayer()]);
        var arm64 = builder.AddImage([FileLayer("etc/arch", "arm64\n")], architecture: "arm64", variant: "v8");
        var index = builder.AddIndex([amd64, arm64]);
        builder.Name(index, DefaultName);
        return (builder, amd64, arm64, index);
    }

    public static byte[] Tar(Action<TarWriter> write)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
            write(writer);
        return output.ToArray();
    }

    public static void WriteFile(TarWriter writer, string name, byte[] content)
    {
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = (UnixFileMode)0b110_100_100,
            DataStream = new MemoryStream(content),
        });
    }

    public static void WriteFile(TarWriter writer, string name, string content) => WriteFile(writer, name, Encoding.UTF8.GetBytes(content));
}

/// <summary>An OCI image layout assembled in memory, written out as a folder or a tar.</summary>
public sealed class OciLayoutBuilder
{
    public const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    public const string IndexType = "application/vnd.oci.image.index.v1+json";

    private readonly List<JsonObject> entries = [];

    /// <summary>Every blob by digest.</summary>
    public Dictionary<string, byte[]> Blobs { get; } = [];

    public sealed record Image(JsonObject Descriptor, string ManifestDigest, string ConfigDigest, IReadOnlyList<string> LayerDigests, IReadOnlyList<string> DiffIds)
    {
        public string Digest => ManifestDigest;
    }

    public JsonObject AddBlob(string mediaType, byte[] content)
    {
        var digest = OciImages.DigestOf(content);
        Blobs[digest] = content;
        return new JsonObject { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = content.Length };
    }

    public Image AddImage(IReadOnlyList<byte[]> uncompressedLayers, string architecture = "amd64", string? variant = null, bool gzip = true, JsonObject? process = null)
    {
        var config = AddBlob("application/vnd.oci.image.config.v1+json",
            Encoding.UTF8.GetBytes(OciImages.Config(uncompressedLayers, architecture, variant, process).ToJsonString()));
        var layers = uncompressedLayers
            .Select(l => gzip ? AddBlob("application/vnd.oci.image.layer.v1.tar+gzip", OciImages.Gzip(l)) : AddBlob("application/vnd.oci.image.layer.v1.tar", l))
            .ToList();
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestType,
            ["config"] = config.DeepClone(),
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)l.DeepClone()).ToArray()),
        };
        var descriptor = AddBlob(ManifestType, Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        descriptor["platform"] = variant is null
            ? new JsonObject { ["architecture"] = architecture, ["os"] = "linux" }
            : new JsonObject { ["architecture"] = architecture, ["os"] = "linux", ["variant"] = variant };
        return new Image(descriptor, (string)descriptor["digest"]!, (string)config["digest"]!,
            layers.Select(l => (string)l["digest"]!).ToList(), uncompressedLayers.Select(OciImages.DigestOf).ToList());
    }

    public JsonObject AddIndex(IEnumerable<Image> manifests)
    {
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = IndexType,
            ["manifests"] = new JsonArray(manifests.Select(m => (JsonNode)m.Descriptor.DeepClone()).ToArray()),
        };
        return AddBlob(IndexType, Encoding.UTF8.GetBytes(index.ToJsonString()));
    }

    /// <summary>Lists <paramref name="descriptor"/> in index.json, named as containerd and docker 25 name it (none when null).</summary>
    public OciLayoutBuilder Name(JsonObject descriptor, string? name)
    {
        var entry = (JsonObject)descriptor.DeepClone();
        entry.Remove("platform");
        if (name is not null)
        {
            var colon = name.LastIndexOf(':');
            entry["annotations"] = new JsonObject
            {
                ["io.containerd.image.name"] = name,
                ["org.opencontainers.image.ref.name"] = colon > name.LastIndexOf('/') ? name[(colon + 1)..] : name,
            };
        }
        entries.Add(entry);
        return this;
    }

    /// <summary>Adds a raw index.json entry (for malformed cases).</summary>
    public OciLayoutBuilder Entry(JsonObject entry)
    {
        entries.Add(entry);
        return this;
    }

    public byte[] IndexJson() => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = IndexType,
        ["manifests"] = new JsonArray(entries.Select(e => (JsonNode)e.DeepClone()).ToArray()),
    }.ToJsonString());

    /// <summary>Files of the layout by path (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/…</c>).</summary>
    public IEnumerable<(string Path, byte[] Content)> Files()
    {
        yield return ("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
        yield return ("index.json", IndexJson());
        foreach (var (digest, content) in Blobs)
            yield return ($"blobs/sha256/{digest["sha256:".Length..]}", content);
    }

    public string WriteFolder(string directory)
    {
        foreach (var (path, content) in Files())
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
        }
        return directory;
    }

    /// <summary>
    /// Writes an OCI archive. <paramref name="dockerManifest"/> adds docker 25's manifest.json beside index.json
    /// (for each named single-manifest entry).
    /// </summary>
    public string WriteTar(string path, bool gzip = false, bool dockerManifest = false)
    {
        var tar = OciImages.Tar(writer =>
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "blobs/"));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "blobs/sha256/"));
            foreach (var (name, content) in Files())
                OciImages.WriteFile(writer, name, content);
            if (dockerManifest)
                OciImages.WriteFile(writer, "manifest.json", DockerManifestJson());
        });
        File.WriteAllBytes(path, gzip ? OciImages.Gzip(tar) : tar);
        return path;
    }

    private byte[] DockerManifestJson()
    {
        var list = new JsonArray();
        foreach (var entry in entries.Where(e => (string?)e["mediaType"] == ManifestType))
        {
            var manifest = JsonNode.Parse(Blobs[(string)entry["digest"]!])!;
            var name = (string?)entry["annotations"]?["io.containerd.image.name"];
            list.Add(new JsonObject
            {
                ["Config"] = "blobs/sha256/" + ((string)manifest["config"]!["digest"]!)["sha256:".Length..],
                ["RepoTags"] = name is null ? null : new JsonArray(name.Replace("docker.io/library/", "")),
                ["Layers"] = new JsonArray(manifest["layers"]!.AsArray().Select(l => (JsonNode)("blobs/sha256/" + ((string)l!["digest"]!)["sha256:".Length..])).ToArray()),
            });
        }
        return Encoding.UTF8.GetBytes(list.ToJsonString());
    }
}

/// <summary>A legacy <c>docker save</c> tar (Docker before 25): manifest.json, repositories, &lt;hex&gt;.json, &lt;id&gt;/layer.tar.</summary>
public static class DockerSaveArchive
{
    /// <summary>
    /// Writes the archive; layers are stored as given (uncompressed tars, as docker wrote them, unless the caller
    /// gzipped them). With <paramref name="linkDuplicate"/>, the last layer is a symlink to the first one's folder, as
    /// docker writes a layer that appears twice.
    /// </summary>
    public static (string Path, string ConfigDigest) Write(string path, IReadOnlyList<byte[]> layers, IReadOnlyList<string>? repoTags,
        IReadOnlyList<byte[]>? uncompressed = null, bool linkDuplicate = false)
    {
        var configBytes = Encoding.UTF8.GetBytes(OciImages.Config(uncompressed ?? layers).ToJsonString());
        var configDigest = OciImages.DigestOf(configBytes);
        var configName = configDigest["sha256:".Length..] + ".json";
        var layerIds = layers.Select((l, i) => OciImages.DigestOf([.. l, (byte)i])["sha256:".Length..]).ToList();

        var manifest = new JsonArray(new JsonObject
        {
            ["Config"] = configName,
            ["RepoTags"] = repoTags is null ? null : new JsonArray(repoTags.Select(t => (JsonNode)t).ToArray()),
            ["Layers"] = new JsonArray(layerIds.Select(id => (JsonNode)$"{id}/layer.tar").ToArray()),
        });
        var tar = OciImages.Tar(writer =>
        {
            for (var i = 0; i < layers.Count; i++)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, $"{layerIds[i]}/"));
                OciImages.WriteFile(writer, $"{layerIds[i]}/VERSION", "1.0");
                if (linkDuplicate && i == layers.Count - 1 && i > 0)
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, $"{layerIds[i]}/layer.tar") { LinkName = $"../{layerIds[0]}/layer.tar" });
                else
                    OciImages.WriteFile(writer, $"{layerIds[i]}/layer.tar", layers[i]);
            }
            OciImages.WriteFile(writer, configName, configBytes);
            OciImages.WriteFile(writer, "manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()));
            if (repoTags is { Count: > 0 })
                OciImages.WriteFile(writer, "repositories", "{}");
        });
        File.WriteAllBytes(path, tar);
        return (path, configDigest);
    }
}

/// <summary>A temporary folder removed at dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("platform-images-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
