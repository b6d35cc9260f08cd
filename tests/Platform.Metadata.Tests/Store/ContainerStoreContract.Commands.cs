using Platform.Contracts.Containers;
using Platform.Hosting.Commands;
using Platform.Metadata.Containers;
using Platform.Metadata.Store;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.Store;

/// <summary>
/// Command outcomes: a write given one records it in its own transaction, so the outcome exists exactly when the change
/// does; that is what lets a redelivered command answer its first outcome (see <see cref="CommandOnce"/>).
/// </summary>
public abstract partial class ContainerStoreContract
{
    /// <summary>The command outcome store of the same database as <see cref="Store"/>.</summary>
    protected abstract ICommandOutcomeStore Outcomes { get; }

    private static CommandOutcome OutcomeOf(string command, Container c, DateTimeOffset? at = null) =>
        new(Guid.NewGuid(), command, $"{c.Namespace}/{c.Id}", $$"""{"id":"{{c.Id}}","version":{{c.Version}}}""", at ?? Samples.Epoch);

    [Fact]
    public async Task Should_record_a_commands_outcome_with_each_kind_of_write()
    {
        var container = Samples.Container(Ns, "cmd-1");
        var created = OutcomeOf(nameof(CreateContainer), container);
        await Store.CreateAsync(container, Created(container), Ct, created);
        var next = NextVersion(container, "example.com/next:1");
        var updated = OutcomeOf(nameof(UpdateContainer), next);
        Assert.True(await Store.UpdateAsync(next, container.Version, Updated(next), Ct, updated));
        var deleted = OutcomeOf(nameof(DeleteContainer), next);
        Assert.True(await Store.DeleteAsync(Ns, next.Id, next.Version, TaskHold.None, Deleted(Ns, next.Id), Ct, deleted));

        foreach (var outcome in (CommandOutcome[])[created, updated, deleted])
            Assert.Equal(outcome, await Outcomes.FindAsync(outcome.CommandId, Ct));
        Assert.Null(await Outcomes.FindAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task Should_record_no_outcome_when_the_versioned_write_does_not_happen()
    {
        var container = Samples.Container(Ns, "cmd-2");
        await CreateAsync(container);
        var next = NextVersion(container, "example.com/next:1");
        var stale = OutcomeOf(nameof(UpdateContainer), next);
        var gone = OutcomeOf(nameof(DeleteContainer), container);

        Assert.False(await Store.UpdateAsync(next, container.Version + 5, Updated(next), Ct, stale));
        Assert.False(await Store.DeleteAsync(Ns, "no-such", 1, TaskHold.None, Deleted(Ns, "no-such"), Ct, gone));

        Assert.Null(await Outcomes.FindAsync(stale.CommandId, Ct));
        Assert.Null(await Outcomes.FindAsync(gone.CommandId, Ct));
    }

    [Fact]
    public async Task Should_write_nothing_when_the_command_id_already_has_an_outcome()
    {
        var first = Samples.Container(Ns, "cmd-3");
        var outcome = OutcomeOf(nameof(CreateContainer), first);
        await Store.CreateAsync(first, Created(first), Ct, outcome);
        var eventsBefore = (await PendingEventsAsync()).Count;

        // The same command id again, on another container: the outcome's key refuses it, and the container goes with it.
        var second = Samples.Container(Ns, "cmd-4");
        await Assert.ThrowsAnyAsync<Exception>(() => Store.CreateAsync(second, Created(second), Ct, outcome with { Subject = $"{Ns}/cmd-4" }));

        Assert.Null(await Store.GetAsync(Ns, "cmd-4", Ct));
        Assert.Equal(eventsBefore, (await PendingEventsAsync()).Count);
        Assert.Equal(outcome, await Outcomes.FindAsync(outcome.CommandId, Ct));
    }

    [Fact]
    public async Task Should_forget_only_the_outcomes_recorded_before_the_given_time()
    {
        var old = Samples.Container(Ns, "cmd-5");
        var recent = Samples.Container(Ns, "cmd-6");
        var oldOutcome = OutcomeOf(nameof(CreateContainer), old, Samples.Epoch);
        var recentOutcome = OutcomeOf(nameof(CreateContainer), recent, Samples.Epoch.AddMinutes(10));
        await Store.CreateAsync(old, Created(old), Ct, oldOutcome);
        await Store.CreateAsync(recent, Created(recent), Ct, recentOutcome);

        Assert.Equal(1, await Outcomes.PruneAsync(Samples.Epoch.AddMinutes(5), Ct));

        Assert.Null(await Outcomes.FindAsync(oldOutcome.CommandId, Ct));
        Assert.Equal(recentOutcome, await Outcomes.FindAsync(recentOutcome.CommandId, Ct));
        Assert.NotNull(await Store.GetAsync(Ns, "cmd-5", Ct));
    }
}
