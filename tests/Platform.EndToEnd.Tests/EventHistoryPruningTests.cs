using Platform.Client;
using Platform.Contracts.Containers;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>A host that keeps at most three published events per store and prunes every 50 ms.</summary>
public sealed class TinyHistoryFixture : PlatformFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Events:History:MaxEvents"] = "3",
        ["Events:History:PruneInterval"] = "00:00:00.050",
    };
}

/// <summary>The pruner keeps a store's history to <c>Events:History:MaxEvents</c>, the newest ones.</summary>
public sealed class When_the_history_grows_past_its_limit(TinyHistoryFixture fixture) : IClassFixture<TinyHistoryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Only_the_newest_events_stay()
    {
        var ns = "prune-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 10; i++)
            await fixture.Client.Containers.CreateAsync(new CreateContainer { Namespace = ns, Id = $"c{i}", Runtime = new() { Name = "runc" }, Spec = "{}" }, Ct);

        List<string> kept = [];
        await Eventually.TrueAsync(async () =>
        {
            kept = [.. (await fixture.Client.Events.ReadHistoryAsync(namespaces: [ns], cancellationToken: Ct).ToListAsync(Ct))
                .Select(e => ((ContainerCreated)e).Container.Id)];
            return kept.Count <= 3;
        }, Ct, because: "the pruner should cut the metadata history to three events");

        Assert.Equal(["c7", "c8", "c9"], kept);
    }
}
