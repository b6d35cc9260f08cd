using System.Security.Cryptography;
using System.Text;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>A blob's bytes and digest.</summary>
internal sealed record Blob(byte[] Bytes)
{
    public string Digest { get; } = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Bytes));

    public long Size => Bytes.Length;

    public static Blob Of(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary><paramref name="size"/> bytes that differ from seed to seed.</summary>
    public static Blob Random(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return new Blob(bytes);
    }
}

/// <summary>Content calls and disk checks the content tests share.</summary>
internal static class ContentCalls
{
    public const string ContentRefLabel = "platform.io/gc.ref.content.";
    public const string SnapshotRefLabel = "platform.io/gc.ref.snapshot.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<Contracts.Resources.Content> WriteAsync(this PlatformClient client, string ns, Blob blob, IReadOnlyDictionary<string, string>? labels = null,
        string? leaseId = null, string? @ref = null) =>
        client.Content.WriteAsync(new MemoryStream(blob.Bytes), blob.Size, blob.Digest, @ref ?? "write-" + blob.Digest, labels, leaseId, null, ns, Ct);

    public static Task<ContentIngestStatus> BeginAsync(this PlatformClient client, string ns, string @ref, Blob blob) =>
        client.RequestAsync<BeginContentIngest, ContentIngestStatus>(QueueNames.Of<BeginContentIngest>(),
            new BeginContentIngest { Namespace = ns, Ref = @ref, Size = blob.Size, Digest = blob.Digest }, Ct);

    public static Task<ContentIngestStatus> BeginAsync(this PlatformClient client, string ns, string @ref, long size, string digest) =>
        client.RequestAsync<BeginContentIngest, ContentIngestStatus>(QueueNames.Of<BeginContentIngest>(),
            new BeginContentIngest { Namespace = ns, Ref = @ref, Size = size, Digest = digest }, Ct);

    public static Task<ContentIngestStatus> ChunkAsync(this PlatformClient client, string ns, string @ref, long offset, byte[] data) =>
        client.RequestAsync<ContentIngestChunk, ContentIngestStatus>(QueueNames.Of<ContentIngestChunk>(),
            new ContentIngestChunk { Namespace = ns, Ref = @ref, Offset = offset, Data = data }, Ct);

    public static async Task<Contracts.Resources.Content> CommitIngestAsync(this PlatformClient client, string ns, string @ref) =>
        (await client.RequestAsync<CommitContentIngest, ContentResult>(QueueNames.Of<CommitContentIngest>(),
            new CommitContentIngest { Namespace = ns, Ref = @ref }, Ct)).Content;

    public static async Task<bool> ContentExistsAsync(this PlatformClient client, string ns, string digest)
    {
        try
        {
            await client.Content.InfoAsync(digest, ns, Ct);
            return true;
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            return false;
        }
    }

    public static ResourceRef ContentRef(string digest) => new() { Kind = "content", Key = digest };

    public static Task<ReferenceResult> ReferenceImageAsync(this PlatformClient client, string ns, string image, string digest) =>
        client.RequestAsync<AddReference, ReferenceResult>(QueueNames.Of<AddReference>(), new AddReference
        {
            Namespace = ns, Resource = ContentRef(digest), OwnerKind = "image", OwnerId = image,
        }, Ct);

    public static Task<ReferenceResult> ReleaseImageAsync(this PlatformClient client, string ns, string image, string digest) =>
        client.RequestAsync<RemoveReference, ReferenceResult>(QueueNames.Of<RemoveReference>(), new RemoveReference
        {
            Namespace = ns, Resource = ContentRef(digest), OwnerKind = "image", OwnerId = image,
        }, Ct);

    public static string BlobPath(PlatformFixture fixture, string digest) => Path.Combine(fixture.DataRoot, "content", "blobs", "sha256", digest["sha256:".Length..]);

    public static string[] Ingests(PlatformFixture fixture)
    {
        var folder = Path.Combine(fixture.DataRoot, "content", "ingest");
        return Directory.Exists(folder) ? Directory.GetDirectories(folder) : [];
    }
}
