using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>A host whose passes treat blob files and ingests older than 100 ms as abandoned.</summary>
public sealed class ShortIngestGraceFixture : PlatformFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ResourceGc:Grace"] = "00:00:00.100", ["ResourceGc:IngestGrace"] = "00:00:00.100",
    };
}

/// <summary>What a crash or a client that never came back leaves under content/: a pass removes it, and nothing recorded.</summary>
public sealed class When_content_leftovers_are_older_than_the_grace(ShortIngestGraceFixture fixture) : IClassFixture<ShortIngestGraceFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_remove_abandoned_ingests_and_blob_files_without_a_record_but_keep_recorded_blobs()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("leftover");
        var kept = Blob.Of($"{ns} recorded and labelled a root");
        await client.WriteAsync(ns, kept, new Dictionary<string, string> { ["platform.io/gc.root"] = "yes" });
        var abandoned = Blob.Random(5000, 20);
        await client.BeginAsync(ns, "gone-away", abandoned);
        await client.ChunkAsync(ns, "gone-away", 0, abandoned.Bytes[..1000]);
        var orphan = Blob.Of($"{ns} a blob whose record was never written");
        await File.WriteAllBytesAsync(ContentCalls.BlobPath(fixture, orphan.Digest), orphan.Bytes, Ct);
        Assert.Single(ContentCalls.Ingests(fixture));

        // Passes until both are older than the 100 ms graces.
        await Eventually.TrueAsync(async () =>
        {
            await client.Gc.CollectAsync(cancellationToken: Ct);
            return ContentCalls.Ingests(fixture).Length == 0 && !File.Exists(ContentCalls.BlobPath(fixture, orphan.Digest));
        }, Ct, TimeSpan.FromSeconds(10), "the abandoned ingest and the orphan blob should be removed");

        Assert.True(File.Exists(ContentCalls.BlobPath(fixture, kept.Digest)));
        Assert.Equal(0, (await client.BeginAsync(ns, "gone-away", abandoned)).Offset); // starts over
    }
}
