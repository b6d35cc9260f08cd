using Platform.Client;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Users;
using Platform.Security.Tests.Support;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests;

/// <summary>
/// The event history needs the grant a live subscription needs: a user reads its namespaces' past events through the
/// real broker (its least permissions let it ask every service), and never another namespace's, not even by an event id.
/// </summary>
public sealed class When_a_user_reads_the_event_history(SecuredFixture fixture) : IClassFixture<SecuredFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Ns(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private Task CreateAsync(string ns, string id) =>
        fixture.Client.Containers.CreateAsync(new CreateContainer { Namespace = ns, Id = id, Runtime = new RuntimeInfo { Name = "runc" }, Spec = Spec }, Ct);

    [Fact]
    public async Task A_read_grant_shows_that_namespaces_history_only()
    {
        await using var user = await BrokerUsers.CreateAsync("historian");
        var mine = Ns("mine");
        var theirs = Ns("theirs");
        await CreateAsync(theirs, "secret");
        await CreateAsync(mine, "web");
        var secret = Assert.Single(await fixture.Client.Events.ReadHistoryAsync(namespaces: [theirs], cancellationToken: Ct).ToListAsync(Ct));
        await fixture.Client.Users.CreateAsync(new CreateUser { Name = user.Name, Grants = [new UserGrant { Namespace = mine, Role = NamespaceRole.Read }] }, Ct);
        await using var client = await fixture.ConnectAsync(user);

        var own = await client.Events.ReadHistoryAsync(namespaces: [mine], cancellationToken: Ct).ToListAsync(Ct);
        var replayed = new List<IPlatformEvent>();
        await using (await client.Events.SubscribeAsync((e, _) =>
        {
            replayed.Add(e);
            return Task.CompletedTask;
        }, EventsFrom.Oldest, namespaces: [mine], cancellationToken: Ct))
        {
        }

        Assert.Equal(["web"], own.Select(e => ((ContainerCreated)e).Container.Id));
        Assert.Equal(own.Select(e => e.EventId), replayed.Select(e => e.EventId));
        var denied = await Expect.DeniedAsync(async () => await client.Events.ReadHistoryAsync(namespaces: [theirs], cancellationToken: Ct).ToListAsync(Ct));
        Assert.Contains($"\"{theirs}\"", denied.Message);
        await Expect.DeniedAsync(async () => await client.Events.ReadHistoryAsync(cancellationToken: Ct).ToListAsync(Ct));
        // Another namespace's event id is not a place to start from: as if it did not exist.
        await Expect.ErrorAsync(ErrorKind.NotFound, async () =>
            await client.Events.ReadHistoryAsync(EventsFrom.After(secret.EventId), namespaces: [mine], cancellationToken: Ct).ToListAsync(Ct));
    }
}
