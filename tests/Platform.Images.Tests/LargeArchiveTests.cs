using System.Formats.Tar;
using System.Security.Cryptography;
using Platform.Client.Images;
using Platform.Testing;
using Xunit;
using static Platform.Images.Tests.ArchiveAssertions;

namespace Platform.Images.Tests;

[CollectionDefinition(nameof(AllocationMeasurement), DisableParallelization = true)]
public sealed class AllocationMeasurement;

/// <summary>
/// A 96 MiB layer goes through the reader and the writer while the process's allocations are counted: they must stay
/// far below the layer's size, which they would not if a layer were buffered anywhere.
/// </summary>
[Collection(nameof(AllocationMeasurement))]
public class When_an_archive_is_large
{
    private const int LayerBytes = 96 * 1024 * 1024;
    private const long Budget = 16 * 1024 * 1024;

    private static (string Digest, string Path) WriteLayer(string path)
    {
        // Incompressible content, written in chunks so the fixture itself stays small too.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = File.Create(path))
        {
            var chunk = new byte[1024 * 1024];
            var random = new Random(7);
            for (var written = 0; written < LayerBytes; written += chunk.Length)
            {
                random.NextBytes(chunk);
                file.Write(chunk);
                hash.AppendData(chunk);
            }
        }
        return (Digest.FromHash(hash.GetHashAndReset()), path);
    }

    private static string WriteDockerSave(TempDir temp, string layerPath, string diffId)
    {
        var config = System.Text.Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["{{{diffId}}}"]}}""");
        var path = temp.File("big-save.tar");
        using var output = File.Create(path);
        using var writer = new TarWriter(output, TarEntryFormat.Pax);
        using (var layer = File.OpenRead(layerPath))
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "abc/layer.tar") { DataStream = layer });
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "c.json") { DataStream = new MemoryStream(config) });
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json")
        {
            DataStream = new MemoryStream("""[{"Config":"c.json","RepoTags":["big:1"],"Layers":["abc/layer.tar"]}]"""u8.ToArray()),
        });
        return path;
    }

    [Fact]
    public async Task Reading_and_rewriting_it_allocates_far_less_than_the_layer()
    {
        using var temp = new TempDir();
        var (diffId, layerPath) = WriteLayer(temp.File("layer.bin"));
        var savePath = WriteDockerSave(temp, layerPath, diffId);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        using (var archive = await ImageArchive.OpenAsync(savePath, cancellationToken: Token))
        {
            Assert.Equal(diffId, archive.Blobs[0].Descriptor.Digest);
            foreach (var blob in archive.Blobs)
            {
                await using var stream = await blob.Open(Token);
                await stream.CopyToAsync(Stream.Null, Token);
            }

            var outPath = temp.File("out.tar");
            var byDigest = archive.Blobs.ToDictionary(b => b.Descriptor.Digest);
            await using (var output = File.Create(outPath))
                await new ImageArchiveWriter((digest, ct) => byDigest[digest].Open(ct))
                    .WriteAsync(output, [new ImageToExport("docker.io/library/big:1", archive.Images[0].Target)], Token);
            using var back = await ImageArchive.OpenAsync(outPath, cancellationToken: Token);
            Assert.Equal(archive.Images[0].Target.Digest, back.Images[0].Target.Digest);
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.True(allocated < Budget, $"allocated {allocated} bytes for a {LayerBytes}-byte layer");
    }
}
