using System.Text.Json;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>
/// Prepare, commit and remove of a snapshot delivered twice with one message id (a redelivery after the service died
/// before acknowledging, or a retry) answer what the first delivery did: the same mounts and snapshot, never
/// AlreadyExists or NotFound for the caller's own change, and one event each.
/// </summary>
public sealed class When_a_snapshot_command_is_delivered_twice(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_prepare_commit_and_remove_once_and_answer_each_repeat_with_the_first_outcome()
    {
        var ns = "redeliver-" + Guid.NewGuid().ToString("N")[..8];
        var seen = new System.Collections.Concurrent.ConcurrentQueue<IPlatformEvent>();
        await using var subscription = await fixture.Client.Events.SubscribeAsync((e, _) =>
        {
            if (e.Namespace == ns)
                seen.Enqueue(e);
            return Task.CompletedTask;
        }, cancellationToken: Ct);
        var (prepare, commit, remove) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        var prepared = await SendAsync<PrepareSnapshot, SnapshotMountsResult>(new PrepareSnapshot { Namespace = ns, Key = "work" }, prepare);
        var preparedAgain = await SendAsync<PrepareSnapshot, SnapshotMountsResult>(new PrepareSnapshot { Namespace = ns, Key = "work" }, prepare);
        var committed = await SendAsync<CommitSnapshot, SnapshotResult>(new CommitSnapshot { Namespace = ns, Key = "work", Name = "layer" }, commit);
        var committedAgain = await SendAsync<CommitSnapshot, SnapshotResult>(new CommitSnapshot { Namespace = ns, Key = "work", Name = "layer" }, commit);
        var removed = await SendAsync<RemoveSnapshot, SnapshotResult>(new RemoveSnapshot { Namespace = ns, Key = "layer" }, remove);
        var removedAgain = await SendAsync<RemoveSnapshot, SnapshotResult>(new RemoveSnapshot { Namespace = ns, Key = "layer" }, remove);

        Assert.Equal(JsonSerializer.Serialize(prepared), JsonSerializer.Serialize(preparedAgain));
        Assert.NotEmpty(prepared.Mounts);
        Assert.Equal(JsonSerializer.Serialize(committed), JsonSerializer.Serialize(committedAgain));
        Assert.Equal(JsonSerializer.Serialize(removed), JsonSerializer.Serialize(removedAgain));
        var gone = await Assert.ThrowsAsync<PlatformException>(() =>
            SendAsync<RemoveSnapshot, SnapshotResult>(new RemoveSnapshot { Namespace = ns, Key = "layer" }, Guid.NewGuid()));
        Assert.Equal(ErrorKind.NotFound, gone.Kind);

        // Events leave in commit order: once the removal's has arrived, every earlier one has too.
        await Eventually.TrueAsync(() => seen.OfType<SnapshotRemoved>().Any(), Ct, because: "the removal is published");
        Assert.Single(seen.OfType<SnapshotPrepared>());
        Assert.Single(seen.OfType<SnapshotCommitted>());
        Assert.Single(seen.OfType<SnapshotRemoved>());
    }

    private Task<TResult> SendAsync<T, TResult>(T request, Guid messageId)
        where T : class
        where TResult : class
    {
        return SameMessage.SendAsync<T, TResult>(fixture, request, messageId, Ct);
    }
}
