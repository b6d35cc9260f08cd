using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Networks;
using Platform.Hosting.Outbox;
using Platform.TaskRunner.Networks.Cni;
using Platform.TaskRunner.Store;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// A removed network leaves nothing on the node: its bridge (in the suite's own network namespace), configuration
/// list and lease folder go with the record, and a teardown cut short is finished by the runner's next start.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_network_is_removed(CniFixture fixture) : IClassFixture<CniFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private bool BridgeExists(string bridge) => fixture.HostSide.Exec("ip", "link", "show", bridge).ExitCode == 0;

    private async Task<Network> UsedOnceAsync(string name, string subnet)
    {
        var network = await fixture.Runc.Networks.CreateAsync(new CreateNetwork { Namespace = fixture.Namespace, Name = name, Subnet = subnet }, Ct);
        await fixture.RunOnAsync(name, name + "-task", "sleep", "60");
        await fixture.StopAsync(name + "-task");
        await fixture.Runc.Containers.DeleteAsync(name + "-task", @namespace: fixture.Namespace, cancellationToken: Ct);
        Assert.True(BridgeExists(network.Bridge), $"the first attach should have made bridge {network.Bridge}");
        return network;
    }

    [Fact]
    public async Task Should_take_its_bridge_configuration_and_leases_with_it()
    {
        var network = await UsedOnceAsync("doomed", "10.89.200.0/24");
        var confList = Path.Combine(fixture.NetworksDir, network.Id + ".conflist");
        Assert.True(File.Exists(confList));

        await fixture.Runc.Networks.RemoveAsync("doomed", fixture.Namespace, Ct);

        Assert.False(BridgeExists(network.Bridge), $"bridge {network.Bridge} should be gone");
        Assert.False(File.Exists(confList));
        Assert.False(Directory.Exists(Path.Combine(fixture.NetworksDir, "ipam", network.Id)));
    }

    [Fact]
    public async Task Should_finish_a_teardown_cut_short_at_the_next_start()
    {
        var network = await UsedOnceAsync("orphan", "10.89.201.0/24");
        // The record goes without its teardown, as when the runner dies between the two.
        var store = fixture.Services.GetRequiredService<INetworkStore>();
        Assert.True(await store.DeleteAsync(fixture.Namespace, "orphan", network.Id, seq => new NetworkRemoved
        {
            EventId = Guid.NewGuid(), Timestamp = DateTimeOffset.UtcNow, Namespace = fixture.Namespace, Sequence = seq, Name = "orphan", Id = network.Id,
        }, Ct));
        Assert.True(BridgeExists(network.Bridge));

        await fixture.RestartAsync();

        await Eventually.TrueAsync(() => !BridgeExists(network.Bridge), Ct, TimeSpan.FromSeconds(20), "the start's sweep should remove the bridge");
        Assert.False(File.Exists(Path.Combine(fixture.NetworksDir, network.Id + ".conflist")));
    }
}
