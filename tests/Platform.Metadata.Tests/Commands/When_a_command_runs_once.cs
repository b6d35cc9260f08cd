using System.Collections.Concurrent;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Hosting.Commands;
using Xunit;

namespace Platform.Metadata.Tests.Commands;

/// <summary>The rules of <see cref="CommandOnce"/>, over an outcome store that keeps what a write hands it.</summary>
public sealed class When_a_command_runs_once
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly Outcomes _store = new();

    private CommandOnce Once => new(_store, TimeProvider.System);

    private sealed record Result(string Id, int Version);

    [Fact]
    public async Task Should_answer_a_known_repeat_from_the_stored_outcome_without_running_it()
    {
        var key = new CommandKey(Guid.NewGuid(), "CreateContainer", "ns/a");
        await Once.RunAsync<Result>(key, outcome => _store.Commit(outcome(new Result("a", 1)), new Result("a", 1)), Ct);

        var runs = 0;
        var again = await Once.RunAsync<Result>(key with { Repeated = true }, _ =>
        {
            runs++;
            return Task.FromResult(new Result("a", 2));
        }, Ct);

        Assert.Equal(new Result("a", 1), again);
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task Should_answer_from_the_outcome_when_a_delivery_not_known_as_a_repeat_fails_against_it()
    {
        var key = new CommandKey(Guid.NewGuid(), "DeleteContainer", "ns/b");
        await Once.RunAsync<Result>(key, outcome => _store.Commit(outcome(new Result("b", 3)), new Result("b", 3)), Ct);

        var again = await Once.RunAsync<Result>(key, _ => throw PlatformException.NotFound("container b not found"), Ct);

        Assert.Equal(new Result("b", 3), again);
    }

    [Fact]
    public async Task Should_let_a_failure_through_when_no_delivery_of_the_command_committed()
    {
        var key = new CommandKey(Guid.NewGuid(), "CreateContainer", "ns/c", Repeated: true);

        var refused = await Assert.ThrowsAsync<PlatformException>(() =>
            Once.RunAsync<Result>(key, _ => throw PlatformException.AlreadyExists("container c already exists"), Ct));

        Assert.Equal(ErrorKind.AlreadyExists, refused.Kind);
    }

    [Fact]
    public async Task Should_refuse_a_message_id_recorded_for_another_command_naming_both()
    {
        var id = Guid.NewGuid();
        await Once.RunAsync<Result>(new CommandKey(id, "CreateContainer", "ns/d"), outcome => _store.Commit(outcome(new Result("d", 1)), new Result("d", 1)), Ct);

        var refused = await Assert.ThrowsAsync<PlatformException>(() =>
            Once.RunAsync<Result>(new CommandKey(id, "DeleteContainer", "ns/e", Repeated: true), _ => Task.FromResult(new Result("e", 1)), Ct));

        Assert.Equal(ErrorKind.InvalidArgument, refused.Kind);
        Assert.Contains(id.ToString(), refused.Message);
        Assert.Contains("CreateContainer of ns/d", refused.Message);
    }

    [Fact]
    public async Task Should_record_a_command_without_a_store_write_after_it_ran_and_not_run_a_known_repeat()
    {
        var key = new CommandKey(Guid.NewGuid(), "KillTask", "ns/g");
        var signals = 0;
        Task<Result> Kill()
        {
            signals++;
            return Task.FromResult(new Result("g", signals));
        }

        var first = await Once.RunThenRecordAsync(key, Kill, Ct);
        var again = await Once.RunThenRecordAsync(key with { Repeated = true }, Kill, Ct);

        Assert.Equal(first, again);
        Assert.Equal(1, signals);
        Assert.True(_store.Kept.ContainsKey(key.Id));
    }

    [Fact]
    public async Task Should_remember_nothing_for_a_message_without_an_id()
    {
        var runs = 0;
        for (var i = 0; i < 2; i++)
            await Once.RunAsync<Result>(null, outcome =>
            {
                runs++;
                Assert.Null(outcome(new Result("f", 1)));
                return Task.FromResult(new Result("f", 1));
            }, Ct);

        Assert.Equal(2, runs);
        Assert.Empty(_store.Kept);
    }

    /// <summary>Keeps outcomes as a store's transaction would: a second one for an id fails the write.</summary>
    private sealed class Outcomes : ICommandOutcomeStore
    {
        public ConcurrentDictionary<Guid, CommandOutcome> Kept { get; } = new();

        public string Name => "test";

        public Task<Result> Commit(CommandOutcome? outcome, Result result)
        {
            Assert.NotNull(outcome);
            if (!Kept.TryAdd(outcome.CommandId, outcome))
                throw new InvalidOperationException("duplicate command id");
            return Task.FromResult(result);
        }

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RecordAsync(CommandOutcome outcome, CancellationToken cancellationToken) =>
            Kept.TryAdd(outcome.CommandId, outcome) ? Task.CompletedTask : throw new InvalidOperationException("duplicate command id");

        public Task<CommandOutcome?> FindAsync(Guid commandId, CancellationToken cancellationToken) =>
            Task.FromResult(Kept.GetValueOrDefault(commandId));

        public Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken) => Task.FromResult(0L);
    }
}
