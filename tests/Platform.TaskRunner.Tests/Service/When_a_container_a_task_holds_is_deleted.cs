using System.Collections.Concurrent;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Tasks;
using Platform.Metadata.Containers;
using Platform.Metadata.Store;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>
/// DESIGN.md invariant 4 through task holds, on the real broker with real runc: the metadata service asks the task runner
/// only about containers a task holds (or held), and a deletion racing a task create never leaves a task whose
/// container is gone.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_container_a_task_holds_is_deleted(When_a_container_a_task_holds_is_deleted.Fixture fixture)
    : IClassFixture<When_a_container_a_task_holds_is_deleted.Fixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The task fixture, with the metadata service's questions to the task runner counted per container.</summary>
    public sealed class Fixture : TaskFixture
    {
        public ConcurrentDictionary<string, int> Asked { get; } = new();

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<ITaskGuard>(sp => new CountingGuard(new BusTaskGuard(sp.GetRequiredService<PlatformClient>()), Asked));

        public int AskedAbout(string id) => Asked.GetValueOrDefault(id);

        public Task<(Container Container, TaskHold Hold)?> StoredAsync(string id) =>
            Services.GetRequiredService<IContainerStore>().GetWithHoldAsync(Namespace, id, CancellationToken.None);
    }

    private sealed class CountingGuard(ITaskGuard inner, ConcurrentDictionary<string, int> asked) : ITaskGuard
    {
        public Task EnsureDeletableAsync(Container container, bool force, CancellationToken cancellationToken)
        {
            asked.AddOrUpdate(container.Id, 1, (_, n) => n + 1);
            return inner.EnsureDeletableAsync(container, force, cancellationToken);
        }
    }

    [Fact]
    public async Task Should_delete_a_container_that_never_had_a_task_without_asking_the_task_runner()
    {
        await fixture.ContainerAsync("never-ran", "true");

        await fixture.Runc.Containers.DeleteAsync("never-ran", @namespace: fixture.Namespace, cancellationToken: Ct);

        await Errors.Of(ErrorKind.NotFound, () => fixture.Runc.Containers.GetAsync("never-ran", fixture.Namespace, Ct));
        Assert.Equal(0, fixture.AskedAbout("never-ran"));
    }

    [Fact]
    public async Task Should_refuse_while_the_task_lives_and_kill_it_when_forced_asking_the_runner_each_time()
    {
        await fixture.RunAsync("held", "sleep", "60");
        Assert.NotEqual(TaskHold.None, (await fixture.StoredAsync("held"))!.Value.Hold);

        await Errors.Of(ErrorKind.FailedPrecondition, () => fixture.Runc.Containers.DeleteAsync("held", @namespace: fixture.Namespace, cancellationToken: Ct));
        Assert.Equal(1, fixture.AskedAbout("held"));
        Assert.Equal(TaskState.Running, (await fixture.Runc.Tasks.GetAsync("held", fixture.Namespace, Ct)).Status);

        await fixture.Runc.Containers.DeleteAsync("held", force: true, @namespace: fixture.Namespace, cancellationToken: Ct);

        Assert.Equal(2, fixture.AskedAbout("held"));
        await Errors.Of(ErrorKind.NotFound, () => fixture.Runc.Tasks.GetAsync("held", fixture.Namespace, Ct));
        await Errors.Of(ErrorKind.NotFound, () => fixture.Runc.Containers.GetAsync("held", fixture.Namespace, Ct));
    }

    [Fact]
    public async Task Should_release_the_hold_when_the_task_is_deleted_so_the_next_delete_asks_nothing()
    {
        await fixture.RunAsync("ran", "true");
        Assert.Equal(0, (await fixture.WaitAsync("ran")).ExitStatus);
        await fixture.GoneAsync("ran");

        await Eventually.TrueAsync(async () => (await fixture.StoredAsync("ran"))!.Value.Hold == TaskHold.None, Ct,
            because: "TaskDeleted releases the hold");
        await fixture.Runc.Containers.DeleteAsync("ran", @namespace: fixture.Namespace, cancellationToken: Ct);

        Assert.Equal(0, fixture.AskedAbout("ran"));
    }

    [Fact]
    public async Task Should_delete_despite_a_stale_hold_once_the_runner_says_there_is_no_task()
    {
        // The runner holds the container, then fails to create the task (no such runtime): the hold stays behind.
        await fixture.ContainerAsync("stale", ["true"], null, runtime: "no-such-runtime");
        await Assert.ThrowsAsync<PlatformException>(() => fixture.Runc.Tasks.CreateAsync("stale", fixture.Namespace, Ct));
        Assert.NotEqual(TaskHold.None, (await fixture.StoredAsync("stale"))!.Value.Hold);

        await fixture.Runc.Containers.DeleteAsync("stale", @namespace: fixture.Namespace, cancellationToken: Ct);

        Assert.Equal(1, fixture.AskedAbout("stale"));
        await Errors.Of(ErrorKind.NotFound, () => fixture.Runc.Containers.GetAsync("stale", fixture.Namespace, Ct));
    }

    [Fact]
    public async Task Should_never_leave_a_task_whose_container_a_racing_delete_removed()
    {
        var outcomes = new Dictionary<string, int>();
        for (var round = 0; round < 16; round++)
        {
            var id = $"race-{round}";
            await fixture.ContainerAsync(id, "sleep", "60");
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var delay = TimeSpan.FromMilliseconds(round % 8 * 5); // sweeps the delete across the create's steps
            var create = Task.Run(async () => { await start.Task; return await Outcome(() => fixture.Runc.Tasks.CreateAsync(id, fixture.Namespace, Ct)); }, Ct);
            var delete = Task.Run(async () =>
            {
                await start.Task;
                await Task.Delay(delay, Ct);
                return await Outcome(() => fixture.Runc.Containers.DeleteAsync(id, @namespace: fixture.Namespace, cancellationToken: Ct));
            }, Ct);
            start.SetResult();
            var (created, deleted) = (await create, await delete);

            var containerLeft = await Exists(() => fixture.Runc.Containers.GetAsync(id, fixture.Namespace, Ct));
            var taskLeft = await Exists(() => fixture.Runc.Tasks.GetAsync(id, fixture.Namespace, Ct));
            Assert.False(taskLeft && !containerLeft, $"round {round}: create {created}, delete {deleted}: a task lives whose container is deleted");
            Assert.True(created == "ok" ^ deleted == "ok", $"round {round}: create {created}, delete {deleted}: exactly one should win");
            outcomes[$"create {created}, delete {deleted}"] = outcomes.GetValueOrDefault($"create {created}, delete {deleted}") + 1;
            if (containerLeft)
                await fixture.Runc.Containers.DeleteAsync(id, force: true, @namespace: fixture.Namespace, cancellationToken: Ct);
        }
        TestContext.Current.TestOutputHelper?.WriteLine("outcomes: " + string.Join("; ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
    }

    private static async Task<string> Outcome(Func<Task> call)
    {
        try
        {
            await call();
            return "ok";
        }
        catch (PlatformException e)
        {
            return e.Kind.ToString();
        }
    }

    private static async Task<bool> Exists(Func<Task> get)
    {
        try
        {
            await get();
            return true;
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            return false;
        }
    }
}
