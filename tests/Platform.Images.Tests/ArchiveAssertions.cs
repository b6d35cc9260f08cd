using Platform.Client.Images;
using Xunit;

namespace Platform.Images.Tests;

internal static class ArchiveAssertions
{
    /// <summary>Reads every blob to its end (which verifies it) and returns their contents by digest.</summary>
    public static async Task<Dictionary<string, byte[]>> ReadAllAsync(ImageArchive archive)
    {
        var contents = new Dictionary<string, byte[]>();
        foreach (var blob in archive.Blobs)
        {
            await using var stream = await blob.Open(TestContext.Current.CancellationToken);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, TestContext.Current.CancellationToken);
            Assert.Equal(blob.Descriptor.Size, copy.Length);
            Assert.Equal(blob.Descriptor.Digest, Digest.Compute(copy.ToArray()));
            contents[blob.Descriptor.Digest] = copy.ToArray();
        }
        return contents;
    }

    /// <summary>Every descriptor a manifest or index blob names is either earlier in the list or, for an index, not taken.</summary>
    public static void ChildrenComeFirst(ImageArchive archive, Dictionary<string, byte[]> contents)
    {
        var seen = new HashSet<string>();
        foreach (var blob in archive.Blobs)
        {
            var type = blob.Descriptor.MediaType;
            if (MediaTypes.IsManifest(type))
            {
                var manifest = OciJson.ParseManifest(contents[blob.Descriptor.Digest], "test");
                Assert.Contains(manifest.Config!.Digest, seen);
                Assert.All(manifest.Layers, l => Assert.Contains(l.Digest, seen));
            }
            else if (MediaTypes.IsIndex(type))
            {
                var index = OciJson.ParseIndex(contents[blob.Descriptor.Digest], "test");
                Assert.Contains(index.Manifests, m => seen.Contains(m.Digest));
            }
            seen.Add(blob.Descriptor.Digest);
        }
    }

    public static CancellationToken Token => TestContext.Current.CancellationToken;
}
