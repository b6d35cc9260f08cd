using Platform.Hosting.Commands;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Hosting.Outbox;
using Platform.Metadata.Containers;
using Platform.Metadata.Store;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.ContainerRulesTests;

/// <summary>DESIGN.md invariant 4 at the service: the task runner is asked only about containers a task holds.</summary>
public class When_a_container_a_task_may_hold_is_deleted
{
    private static CancellationToken Ct => ServiceHarness.Ct;

    /// <summary>Counts questions; answers "a live task" for the ids in <see cref="Live"/>.</summary>
    private sealed class RecordingTasks : ITaskGuard
    {
        public List<string> Asked { get; } = [];

        public HashSet<string> Live { get; } = [];

        public Task EnsureDeletableAsync(Container container, bool force, CancellationToken cancellationToken)
        {
            Asked.Add(container.Id);
            if (Live.Contains(container.Id) && !force)
                throw PlatformException.FailedPrecondition($"container {container.Id} has a task that is running");
            Live.Remove(container.Id);
            return Task.CompletedTask;
        }
    }

    /// <summary>Records a task hold just before the service's first deletion attempt reaches the store.</summary>
    private sealed class HoldBeforeDelete(IContainerStore inner, Action onHold) : IContainerStore
    {
        private bool _done;

        public Task<Container?> GetAsync(string @namespace, string id, CancellationToken cancellationToken) => inner.GetAsync(@namespace, id, cancellationToken);

        public Task<ContainerPage> ListAsync(string @namespace, Common.Filters.FilterSet filters, int limit, string? after, CancellationToken cancellationToken) =>
            inner.ListAsync(@namespace, filters, limit, after, cancellationToken);

        public Task CreateAsync(Container container, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null) => inner.CreateAsync(container, makeEvent, cancellationToken, outcome);

        public Task<bool> UpdateAsync(Container container, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null) =>
            inner.UpdateAsync(container, expectedVersion, makeEvent, cancellationToken, outcome);

        public async Task<bool> DeleteAsync(string @namespace, string id, long expectedVersion, TaskHold expectedHold, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null)
        {
            if (!_done)
            {
                _done = true;
                await inner.HoldAsync(@namespace, id, 99, cancellationToken);
                onHold();
            }
            return await inner.DeleteAsync(@namespace, id, expectedVersion, expectedHold, makeEvent, cancellationToken, outcome);
        }

        public Task<(Container Container, TaskHold Hold)?> GetWithHoldAsync(string @namespace, string id, CancellationToken cancellationToken) =>
            inner.GetWithHoldAsync(@namespace, id, cancellationToken);

        public Task<Container?> HoldAsync(string @namespace, string id, long generation, CancellationToken cancellationToken) =>
            inner.HoldAsync(@namespace, id, generation, cancellationToken);

        public Task<bool> ReleaseAsync(string @namespace, string id, long generation, CancellationToken cancellationToken) =>
            inner.ReleaseAsync(@namespace, id, generation, cancellationToken);
    }

    private static DeleteContainer Delete(string id, bool force = false) => new() { Namespace = "team-ns", Id = id, Force = force };

    [Fact]
    public async Task Should_not_ask_the_task_runner_about_a_container_no_task_holds()
    {
        var tasks = new RecordingTasks();
        var harness = new ServiceHarness(tasks: tasks);
        await harness.CreateAsync(Samples.CreateRequest("web-1", "team-ns"));

        await harness.Service.DeleteAsync(Delete("web-1"), Ct);

        Assert.Empty(tasks.Asked);
        Assert.Null(await harness.Store.GetAsync("team-ns", "web-1", Ct));
    }

    [Fact]
    public async Task Should_ask_about_a_held_container_and_refuse_while_its_task_lives()
    {
        var tasks = new RecordingTasks { Live = { "web-1" } };
        var harness = new ServiceHarness(tasks: tasks);
        await harness.CreateAsync(Samples.CreateRequest("web-1", "team-ns"));
        await harness.Service.HoldAsync(new HoldContainer { Namespace = "team-ns", Id = "web-1", Generation = 7 }, Ct);

        var refused = await Assert.ThrowsAsync<PlatformException>(() => harness.Service.DeleteAsync(Delete("web-1"), Ct));
        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        await harness.Service.DeleteAsync(Delete("web-1", force: true), Ct);

        Assert.Equal(["web-1", "web-1"], tasks.Asked);
        Assert.Null(await harness.Store.GetAsync("team-ns", "web-1", Ct));
    }

    [Fact]
    public async Task Should_read_again_and_ask_when_a_task_took_its_hold_after_the_read()
    {
        var tasks = new RecordingTasks();
        var harness = new ServiceHarness(wrap: store => new HoldBeforeDelete(store, () => tasks.Live.Add("web-1")), tasks: tasks);
        await harness.CreateAsync(Samples.CreateRequest("web-1", "team-ns"));

        var refused = await Assert.ThrowsAsync<PlatformException>(() => harness.Service.DeleteAsync(Delete("web-1"), Ct));

        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        Assert.Equal(["web-1"], tasks.Asked);
        Assert.NotNull(await harness.Store.GetAsync("team-ns", "web-1", Ct));
    }

    [Fact]
    public async Task Should_refuse_a_hold_on_a_missing_container_with_not_found()
    {
        var harness = new ServiceHarness();

        var error = await Assert.ThrowsAsync<PlatformException>(() =>
            harness.Service.HoldAsync(new HoldContainer { Namespace = "team-ns", Id = "ghost", Generation = 7 }, Ct));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task Should_release_only_the_hold_of_the_deleted_task()
    {
        var tasks = new RecordingTasks();
        var harness = new ServiceHarness(tasks: tasks);
        await harness.CreateAsync(Samples.CreateRequest("web-1", "team-ns"));
        await harness.Service.HoldAsync(new HoldContainer { Namespace = "team-ns", Id = "web-1", Generation = 8 }, Ct);

        await harness.Service.ReleaseHoldAsync("team-ns", "web-1", 7, Ct); // an earlier task's late TaskDeleted
        Assert.Equal(new TaskHold(8), (await harness.Store.GetWithHoldAsync("team-ns", "web-1", Ct))!.Value.Hold);
        await harness.Service.ReleaseHoldAsync("team-ns", "web-1", 8, Ct);
        await harness.Service.DeleteAsync(Delete("web-1"), Ct);

        Assert.Empty(tasks.Asked);
    }
}
