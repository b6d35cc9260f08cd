using System.Security.Cryptography;
using Platform.Client;
using Platform.Client.Requests;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Contracts.Users;
using Platform.Security.Tests.Support;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests;

/// <summary>
/// The binary form of a content chunk (<see cref="ContentIngestChunkBinary"/>) skips the JSON, not the grants: a user
/// whose grant in the namespace is read-only can't append to an ingest there, whatever the encoding.
/// </summary>
public sealed class When_content_chunks_arrive_as_raw_bytes(SecuredFixture fixture) : IClassFixture<SecuredFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<ContentIngestStatus> BinaryChunkAsync(PlatformClient client, string ns, string reference, byte[] data)
    {
        var chunk = new ContentIngestChunk { Namespace = ns, Ref = reference, Offset = 0, Data = data };
        return client.RequestBinaryAsync<ContentIngestChunk, ContentIngestStatus>(QueueNames.Of<ContentIngestChunk>(), chunk, BinaryRequest.Of(chunk), Ct);
    }

    [Fact]
    public async Task A_read_only_user_can_not_append_and_the_ingest_stays_empty()
    {
        await using var user = await BrokerUsers.CreateAsync("chunker");
        var ns = $"rawsec-{Guid.NewGuid():N}"[..15];
        var blob = RandomNumberGenerator.GetBytes(512);
        var begin = new BeginContentIngest { Namespace = ns, Ref = "r", Size = blob.Length, Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob)) };
        await fixture.Client.RequestAsync<BeginContentIngest, ContentIngestStatus>(QueueNames.Of<BeginContentIngest>(), begin, Ct);
        await fixture.Client.Users.CreateAsync(new CreateUser { Name = user.Name, Grants = [new UserGrant { Namespace = ns, Role = NamespaceRole.Read }] }, Ct);
        await using var client = await fixture.ConnectAsync(user);

        var denied = await Expect.DeniedAsync(() => BinaryChunkAsync(client, ns, "r", blob));

        Assert.Contains($"\"{user.Name}\"", denied.Message);
        Assert.Contains("read-only", denied.Message);
        var status = await fixture.Client.RequestAsync<BeginContentIngest, ContentIngestStatus>(QueueNames.Of<BeginContentIngest>(), begin, Ct);
        Assert.Equal(0, status.Offset);
        // The service's own client, with the right grant, appends the same chunk.
        Assert.Equal(blob.Length, (await BinaryChunkAsync(fixture.Client, ns, "r", blob)).Offset);
    }
}
