using Platform.Contracts.Users;
using Platform.Hosting;
using Platform.Metadata.Store;
using Xunit;

namespace Platform.Metadata.Tests.Store;

/// <summary>What every <see cref="IUserStore"/> must do, whatever the database: each subclass opens a fresh, empty store per test.</summary>
public abstract class UserStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private IUserStore? _store;

    protected IUserStore Store => _store ?? throw new InvalidOperationException("the store is not open");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract ValueTask<IUserStore> OpenStoreAsync(CancellationToken cancellationToken);

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

    private static PlatformUser User(string name, params UserGrant[] grants) => new()
    {
        Name = name, Grants = grants, CreatedAt = T0, UpdatedAt = T0.AddTicks(7),
    };

    private static UserGrant Grant(string ns, NamespaceRole role = NamespaceRole.ReadWrite, bool privileged = false) =>
        new() { Namespace = ns, Role = role, Privileged = privileged };

    [Fact]
    public async Task Should_read_back_a_user_exactly_as_written()
    {
        var alice = User("alice", Grant("a", NamespaceRole.Read), Grant("b", privileged: true)) with { Admin = true };
        Assert.True(await Store.CreateAsync(alice, Ct));

        var read = await Store.GetAsync("alice", Ct);
        Assert.NotNull(read);
        Assert.Equal(alice.Name, read.Name);
        Assert.True(read.Admin);
        Assert.Equal(alice.Grants, read.Grants);
        Assert.Equal(alice.CreatedAt, read.CreatedAt);
        Assert.Equal(alice.UpdatedAt, read.UpdatedAt);
        Assert.Null(await Store.GetAsync("bob", Ct));
    }

    [Fact]
    public async Task Should_refuse_a_second_user_of_the_same_name()
    {
        Assert.True(await Store.CreateAsync(User("alice", Grant("a")), Ct));
        Assert.False(await Store.CreateAsync(User("alice", Grant("other")), Ct));
        Assert.Equal("a", Assert.Single((await Store.GetAsync("alice", Ct))!.Grants).Namespace);
    }

    [Fact]
    public async Task Should_list_users_by_name()
    {
        foreach (var name in new[] { "carol", "alice", "bob" })
            await Store.CreateAsync(User(name), Ct);
        Assert.Equal(["alice", "bob", "carol"], (await Store.ListAsync(Ct)).Select(u => u.Name));
    }

    [Fact]
    public async Task Should_replace_only_a_user_still_as_read()
    {
        var alice = User("alice", Grant("a"));
        await Store.CreateAsync(alice, Ct);
        var changed = alice with { Grants = [Grant("a"), Grant("b")], UpdatedAt = alice.UpdatedAt.AddSeconds(1) };

        Assert.True(await Store.ReplaceAsync(changed, alice.UpdatedAt, Ct));
        // A second writer that read the old user loses.
        Assert.False(await Store.ReplaceAsync(alice with { Grants = [], UpdatedAt = alice.UpdatedAt.AddSeconds(2) }, alice.UpdatedAt, Ct));
        Assert.Equal(["a", "b"], (await Store.GetAsync("alice", Ct))!.Grants.Select(g => g.Namespace));
        Assert.False(await Store.ReplaceAsync(User("nobody"), T0, Ct));
    }

    [Fact]
    public async Task Should_delete_a_user_once()
    {
        await Store.CreateAsync(User("alice"), Ct);
        Assert.True(await Store.DeleteAsync("alice", Ct));
        Assert.False(await Store.DeleteAsync("alice", Ct));
        Assert.Null(await Store.GetAsync("alice", Ct));
    }
}
