using Platform.Hosting;
using Platform.TaskRunner.Tasks.Restarts;
using Xunit;

namespace Platform.TaskRunner.Tests.Restarts;

/// <summary>What every <see cref="IRestartStore"/> must do, whatever the database: each subclass opens a fresh, empty store per test.</summary>
public abstract class RestartStoreContract : IAsyncLifetime
{
    private IRestartStore? _store;

    protected IRestartStore Store => _store ?? throw new InvalidOperationException("the store is not open");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Not a whole number of milliseconds: a store that rounds shows up.</summary>
    private static readonly DateTimeOffset Epoch = new DateTimeOffset(2026, 12, 7, 18, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    protected abstract ValueTask<IRestartStore> OpenStoreAsync(CancellationToken cancellationToken);

    protected abstract ValueTask CloseStoreAsync();

    public async ValueTask InitializeAsync()
    {
        _store = await OpenStoreAsync(Ct);
        await Assert.IsAssignableFrom<IInitializableStore>(_store).InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseStoreAsync();
        GC.SuppressFinalize(this);
    }

    private static RestartState Full(string id) => new()
    {
        Namespace = "team-ns", ContainerId = id, Policy = "on-failure:3", Privileged = true, RestartCount = 2,
        Backoff = TimeSpan.FromMilliseconds(400).Add(TimeSpan.FromTicks(3)), StoppedByUser = false, RestartAt = Epoch.AddTicks(11),
        LastExitStatus = 137, LastExitedAt = Epoch,
    };

    [Fact]
    public async Task Should_read_back_every_field_as_written()
    {
        await Store.PutAsync(Full("web"), Ct);
        Assert.Equal(Full("web"), await Store.GetAsync("team-ns", "web", Ct));

        var minimal = new RestartState { Namespace = "team-ns", ContainerId = "db", Policy = "always" };
        await Store.PutAsync(minimal, Ct);
        Assert.Equal(minimal, await Store.GetAsync("team-ns", "db", Ct));
        Assert.Null(await Store.GetAsync("other-ns", "web", Ct));
    }

    [Fact]
    public async Task Should_replace_a_record_on_put()
    {
        await Store.PutAsync(Full("web"), Ct);
        var next = Full("web") with { RestartCount = 3, RestartAt = null, LastExitStatus = null };
        await Store.PutAsync(next, Ct);
        Assert.Equal(next, await Store.GetAsync("team-ns", "web", Ct));
    }

    [Fact]
    public async Task Should_list_every_record_in_order()
    {
        await Store.PutAsync(Full("web") with { Namespace = "zz-ns" }, Ct);
        await Store.PutAsync(Full("web"), Ct);
        await Store.PutAsync(Full("api"), Ct);

        var listed = await Store.ListAsync(Ct);
        Assert.Equal(["team-ns/api", "team-ns/web", "zz-ns/web"], listed.Select(s => s.Namespace + "/" + s.ContainerId));
    }

    [Fact]
    public async Task Should_mark_a_stop_and_clear_the_pending_restart_leaving_the_rest()
    {
        await Store.PutAsync(Full("web"), Ct);

        Assert.True(await Store.MarkStoppedAsync("team-ns", "web", Ct));
        Assert.Equal(Full("web") with { StoppedByUser = true, RestartAt = null }, await Store.GetAsync("team-ns", "web", Ct));
        Assert.False(await Store.MarkStoppedAsync("team-ns", "missing", Ct));
        Assert.Null(await Store.GetAsync("team-ns", "missing", Ct));
    }

    [Fact]
    public async Task Should_delete_a_record_once()
    {
        await Store.PutAsync(Full("web"), Ct);

        Assert.True(await Store.DeleteAsync("team-ns", "web", Ct));
        Assert.False(await Store.DeleteAsync("team-ns", "web", Ct));
        Assert.Null(await Store.GetAsync("team-ns", "web", Ct));
    }
}
