using System.Runtime.Versioning;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>Content as a client meets it: write through an ingest, read back, resume, list, label, delete.</summary>
[SupportedOSPlatform("linux")]
public sealed class When_content_is_written_and_read(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_commit_an_ingest_and_read_the_same_bytes_back()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("content");
        var blob = Blob.Random(2_500_000, 1); // more than two chunks each way
        await using var events = await EventLog.StartAsync(client, ns);

        var written = await client.WriteAsync(ns, blob, new Dictionary<string, string> { ["kind"] = "layer" });

        Assert.Equal((blob.Digest, blob.Size, "layer"), (written.Digest, written.Size, written.Labels["kind"]));
        var info = await client.Content.InfoAsync(blob.Digest, ns, Ct);
        Assert.Equal(written.CreatedAt, info.CreatedAt);
        using var copy = new MemoryStream();
        await client.Content.CopyToAsync(blob.Digest, copy, ns, Ct);
        Assert.Equal(blob.Bytes, copy.ToArray());
        var file = ContentCalls.BlobPath(fixture, blob.Digest);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Empty(ContentCalls.Ingests(fixture));
        await Eventually.TrueAsync(() => events.Of<ContentCommitted>().Any(e => e.Content.Digest == blob.Digest), Ct);
    }

    [Fact]
    public async Task Should_read_a_range_in_chunks_of_at_most_the_asked_length()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("range");
        var blob = Blob.Random(10_000, 2);
        await client.WriteAsync(ns, blob);

        var first = await client.Content.ReadChunkAsync(blob.Digest, 0, 4096, ns, Ct);
        var last = await client.Content.ReadChunkAsync(blob.Digest, 8192, 4096, ns, Ct);

        Assert.Equal(blob.Bytes[..4096], first.Data);
        Assert.Equal(blob.Bytes[8192..], last.Data);
        Assert.Equal((10_000L, 8192L), (last.Size, last.Offset));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.Content.ReadChunkAsync(blob.Digest, 10_001, 0, ns, Ct));
    }

    [Theory]
    [InlineData("digest")]
    [InlineData("size")]
    public async Task Should_leave_nothing_when_the_commit_finds_a_wrong(string what)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("wrong");
        var blob = Blob.Random(5000, 3);
        var claimed = what == "digest" ? Blob.Random(5000, 4).Digest : blob.Digest;
        var size = what == "size" ? 6000 : blob.Size;
        await client.BeginAsync(ns, "bad", size, claimed);
        await client.ChunkAsync(ns, "bad", 0, blob.Bytes);

        var error = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.CommitIngestAsync(ns, "bad"));

        Assert.Contains(what == "digest" ? claimed : "6000", error.Message);
        Assert.Contains(what == "digest" ? blob.Digest : "5000", error.Message);
        Assert.False(await client.ContentExistsAsync(ns, claimed));
        Assert.False(File.Exists(ContentCalls.BlobPath(fixture, claimed)));
        Assert.False(File.Exists(ContentCalls.BlobPath(fixture, blob.Digest)));
        Assert.Empty(ContentCalls.Ingests(fixture));
    }

    [Fact]
    public async Task Should_refuse_a_chunk_out_of_order_or_past_the_size_naming_the_offsets()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("order");
        var blob = Blob.Random(3000, 5);
        await client.BeginAsync(ns, "o", blob);
        await client.ChunkAsync(ns, "o", 0, blob.Bytes[..1000]);

        var skipped = await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => client.ChunkAsync(ns, "o", 2000, blob.Bytes[2000..]));
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.ChunkAsync(ns, "o", 1000, new byte[2001]));

        Assert.Contains("2000", skipped.Message);
        Assert.Contains("1000", skipped.Message);
        await client.Content.AbortAsync("o", ns, Ct);
        Assert.Empty(ContentCalls.Ingests(fixture));
    }

    [Fact]
    public async Task Should_append_chunks_sent_ahead_of_their_turn_in_order_once_the_earlier_ones_arrive()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("ahead");
        var blob = Blob.Random(3000, 7);
        await client.BeginAsync(ns, "a", blob);

        // The last chunk first: it waits for the two before it instead of being refused.
        var last = client.ChunkAsync(ns, "a", 2000, blob.Bytes[2000..]);
        var middle = client.ChunkAsync(ns, "a", 1000, blob.Bytes[1000..2000]);
        await Task.Delay(200, Ct); // both are at the service, waiting, before the first one leaves
        Assert.False(last.IsCompleted);
        await client.ChunkAsync(ns, "a", 0, blob.Bytes[..1000]);
        await Task.WhenAll(last, middle);

        var committed = await client.CommitIngestAsync(ns, "a");
        Assert.Equal(blob.Digest, committed.Digest);
    }

    [Fact]
    public async Task Should_resume_an_ingest_begun_again_with_the_same_ref_after_a_client_restart()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("resume");
        var blob = Blob.Random(300_000, 6);
        var started = await client.BeginAsync(ns, "pull-1", blob);
        await client.ChunkAsync(ns, "pull-1", 0, blob.Bytes[..100_000]);
        Assert.Equal(0, started.Offset);

        // The "restarted" client knows nothing but the ref: beginning again says where the service stands.
        var again = await client.BeginAsync(ns, "pull-1", blob);
        var progress = new RecordingProgress<(long Sent, long Total)>();
        var written = await client.Content.WriteAsync(new NonSeekable(blob.Bytes), blob.Size, blob.Digest, "pull-1", progress: progress, @namespace: ns, cancellationToken: Ct);

        Assert.Equal(100_000, again.Offset);
        Assert.Equal((100_000L, 300_000L), progress.Reports[0]);
        Assert.Equal(blob.Digest, written.Digest);
        using var copy = new MemoryStream();
        await client.Content.CopyToAsync(blob.Digest, copy, ns, Ct);
        Assert.Equal(blob.Bytes, copy.ToArray());
    }

    [Fact]
    public async Task Should_say_exists_and_upload_nothing_for_a_digest_the_namespace_has()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("exists");
        var other = Unique.Namespace("exists");
        var blob = Blob.Of("same bytes in two namespaces");
        await client.WriteAsync(ns, blob);

        var status = await client.BeginAsync(ns, "again", blob);
        var shared = await client.BeginAsync(other, "shared", blob);

        Assert.True(status.Exists);
        Assert.True(shared.Exists); // the blob another namespace committed is reused after its size is checked
        Assert.True(await client.ContentExistsAsync(other, blob.Digest));
        await client.Content.DeleteAsync(blob.Digest, ns, Ct);
        Assert.True(File.Exists(ContentCalls.BlobPath(fixture, blob.Digest)));
        await client.Content.DeleteAsync(blob.Digest, other, Ct);
        Assert.False(File.Exists(ContentCalls.BlobPath(fixture, blob.Digest)));
    }

    [Fact]
    public async Task Should_list_with_filters_in_pages()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("list");
        var blobs = Enumerable.Range(0, 5).Select(i => Blob.Of($"blob {i}")).ToList();
        for (var i = 0; i < blobs.Count; i++)
            await client.WriteAsync(ns, blobs[i], new Dictionary<string, string> { ["even"] = i % 2 == 0 ? "yes" : "no" });

        var all = await client.Content.ListAsync(null, ns, pageSize: 2, Ct).Select(c => c.Digest).ToListAsync(Ct);
        var even = await client.Content.ListAsync(["labels.even==yes"], ns, pageSize: 2, Ct).Select(c => c.Digest).ToListAsync(Ct);
        var one = await client.Content.ListAsync([$"digest=={blobs[3].Digest}"], ns, cancellationToken: Ct).Select(c => c.Digest).ToListAsync(Ct);
        var page = await client.Content.ListPageAsync(new ListContent { Namespace = ns, Limit = 2 }, Ct);

        Assert.Equal(blobs.Select(b => b.Digest).Order(StringComparer.Ordinal), all);
        Assert.Equal(new[] { 0, 2, 4 }.Select(i => blobs[i].Digest).Order(StringComparer.Ordinal), even);
        Assert.Equal([blobs[3].Digest], one);
        Assert.Equal(2, page.Contents.Count);
        Assert.NotNull(page.ContinuationToken);
    }

    [Fact]
    public async Task Should_set_and_remove_labels_leaving_the_others()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("labels");
        var blob = Blob.Of("labelled");
        var written = await client.WriteAsync(ns, blob, new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });

        var updated = await client.Content.SetLabelsAsync(blob.Digest, new Dictionary<string, string?> { ["a"] = null, ["c"] = "3" }, ns, Ct);

        Assert.Equal(new Dictionary<string, string> { ["b"] = "2", ["c"] = "3" }, updated.Labels);
        Assert.True(updated.UpdatedAt > written.UpdatedAt);
        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () =>
            client.Content.SetLabelsAsync(blob.Digest, new Dictionary<string, string?> { ["big"] = new string('x', 5000) }, ns, Ct));
        await Expect.ErrorAsync(ErrorKind.NotFound, () => client.Content.InfoAsync(Blob.Of("nope").Digest, ns, Ct));
    }

    [Fact]
    public async Task Should_refuse_to_delete_content_referenced_held_or_labelled_to_naming_what_holds_it()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("refuse");
        await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "pull" }, Ct);
        var referenced = Blob.Of("referenced");
        var held = Blob.Of("held");
        var labelled = Blob.Of("labelled to");
        await client.WriteAsync(ns, referenced);
        await client.WriteAsync(ns, held, leaseId: "pull");
        await client.WriteAsync(ns, labelled);
        await client.WriteAsync(ns, Blob.Of("manifest"), new Dictionary<string, string> { [ContentCalls.ContentRefLabel + "config"] = labelled.Digest });
        await client.ReferenceImageAsync(ns, "docker.io/library/busybox:1.36", referenced.Digest);

        var byImage = await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => client.Content.DeleteAsync(referenced.Digest, ns, Ct));
        var byLease = await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => client.Content.DeleteAsync(held.Digest, ns, Ct));
        var byLabel = await Expect.ErrorAsync(ErrorKind.FailedPrecondition, () => client.Content.DeleteAsync(labelled.Digest, ns, Ct));

        Assert.Contains("image docker.io/library/busybox:1.36", byImage.Message);
        Assert.Contains("lease pull", byLease.Message);
        Assert.Contains(Blob.Of("manifest").Digest, byLabel.Message);
        await client.Leases.DeleteAsync("pull", ns, Ct);
        Assert.False(await client.ContentExistsAsync(ns, held.Digest)); // the lease held it alone: collected with it
    }

    [Fact]
    public async Task Should_refuse_an_image_owner_name_with_whitespace()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("imgname");
        var blob = Blob.Of("manifest for a bad name");
        await client.WriteAsync(ns, blob);

        await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => client.ReferenceImageAsync(ns, "busybox latest", blob.Digest));
    }

    /// <summary>A stream that can't seek, as a network source would be.</summary>
    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
