using System.Security.Cryptography;
using Platform.Client;
using Platform.Client.Requests;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// <see cref="ContentIngestChunkBinary"/>: a chunk's bytes as the AMQP body with its fields in headers reach the same
/// ingest as the JSON form, through the same checks, and a chunk missing a header is refused naming it.
/// </summary>
public sealed class When_content_chunks_travel_as_raw_bytes(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PlatformClient Client => fixture.Client;

    private static string NewNamespace() => "raw-" + Guid.NewGuid().ToString("N")[..8];

    private Task<ContentIngestStatus> BeginAsync(string ns, string reference, byte[] blob) =>
        Client.RequestAsync<BeginContentIngest, ContentIngestStatus>(QueueNames.Of<BeginContentIngest>(), new BeginContentIngest
        {
            Namespace = ns, Ref = reference, Size = blob.Length, Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob)),
        }, Ct);

    private Task<ContentIngestStatus> BinaryAsync(string ns, string reference, long offset, byte[] data, Action<Dictionary<string, object?>>? change = null)
    {
        var chunk = new ContentIngestChunk { Namespace = ns, Ref = reference, Offset = offset, Data = data };
        var binary = BinaryRequest.Of(chunk);
        var headers = new Dictionary<string, object?>(binary.Headers);
        change?.Invoke(headers);
        return Client.RequestBinaryAsync<ContentIngestChunk, ContentIngestStatus>(QueueNames.Of<ContentIngestChunk>(), chunk, binary with { Headers = headers }, Ct);
    }

    private Task<ContentIngestStatus> JsonAsync(string ns, string reference, long offset, byte[] data) =>
        Client.RequestAsync<ContentIngestChunk, ContentIngestStatus>(QueueNames.Of<ContentIngestChunk>(),
            new ContentIngestChunk { Namespace = ns, Ref = reference, Offset = offset, Data = data }, Ct);

    [Fact]
    public async Task Binary_and_JSON_chunks_of_one_ingest_commit_the_same_bytes()
    {
        var ns = NewNamespace();
        var blob = RandomNumberGenerator.GetBytes(3000);
        await BeginAsync(ns, "mixed", blob);

        var first = await BinaryAsync(ns, "mixed", 0, blob[..1000]);
        var second = await JsonAsync(ns, "mixed", 1000, blob[1000..2000]);
        // The offset as a decimal string, as a sender without typed AMQP headers would write it.
        var third = await BinaryAsync(ns, "mixed", 2000, blob[2000..], h => h[ContentIngestChunkBinary.OffsetHeader] = "2000");
        var committed = await Client.RequestAsync<CommitContentIngest, ContentResult>(QueueNames.Of<CommitContentIngest>(),
            new CommitContentIngest { Namespace = ns, Ref = "mixed" }, Ct);

        Assert.Equal((1000L, 2000L, 3000L), (first.Offset, second.Offset, third.Offset));
        Assert.Equal(blob.Length, committed.Content.Size);
        var read = await Client.Content.ReadChunkAsync(committed.Content.Digest, 0, blob.Length, ns, Ct);
        Assert.Equal(blob, read.Data);
    }

    [Fact]
    public async Task A_chunk_without_its_ref_or_offset_header_is_refused_naming_the_header()
    {
        var ns = NewNamespace();
        var blob = RandomNumberGenerator.GetBytes(100);
        await BeginAsync(ns, "bad", blob);

        var noRef = await Assert.ThrowsAsync<PlatformException>(() => BinaryAsync(ns, "bad", 0, blob, h => h.Remove(ContentIngestChunkBinary.RefHeader)));
        var noOffset = await Assert.ThrowsAsync<PlatformException>(() => BinaryAsync(ns, "bad", 0, blob, h => h.Remove(ContentIngestChunkBinary.OffsetHeader)));
        var negative = await Assert.ThrowsAsync<PlatformException>(() => BinaryAsync(ns, "bad", -5, blob));

        Assert.Equal((ErrorKind.InvalidArgument, ErrorKind.InvalidArgument, ErrorKind.InvalidArgument), (noRef.Kind, noOffset.Kind, negative.Kind));
        Assert.Contains(ContentIngestChunkBinary.RefHeader, noRef.Message);
        Assert.Contains(ContentIngestChunkBinary.OffsetHeader, noOffset.Message);
        Assert.Contains("offset must not be negative", negative.Message);
        Assert.Equal(0, (await BeginAsync(ns, "bad", blob)).Offset); // nothing was appended
    }
}
