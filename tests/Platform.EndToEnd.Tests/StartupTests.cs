using System.Net;
using Microsoft.Extensions.Hosting;
using Platform.Client;
using Platform.Contracts.Containers;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests;

public sealed class When_the_broker_is_down_at_start_up(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_wait_and_retry_then_serve_once_the_broker_is_reachable()
    {
        Requirements.RabbitMq();
        var broker = Requirements.BusUri;
        var addresses = await Dns.GetHostAddressesAsync(broker.Host, Ct);
        await using var forwarder = new TcpForwarder(new IPEndPoint(addresses.First(), broker.Port > 0 ? broker.Port : 5672));
        var viaForwarder = new UriBuilder(broker) { Host = "127.0.0.1", Port = forwarder.Port }.Uri;

        // Its own queue prefix, so only this host (not the fixture's) can answer the request below.
        var prefix = "late" + Guid.NewGuid().ToString("N")[..8] + "-";
        using var host = fixture.BuildHost(new Dictionary<string, string?> { ["Bus:Uri"] = viaForwarder.ToString(), ["Bus:EndpointPrefix"] = prefix });
        var starting = host.StartAsync(Ct);
        await Task.WhenAny(starting, Task.Delay(TimeSpan.FromSeconds(2), Ct));
        Assert.False(starting.IsCompleted, "the host must not finish starting while the broker is unreachable");

        forwarder.Open();
        await starting.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        var options = fixture.ClientOptions;
        options.EndpointPrefix = prefix;
        await using var client = await PlatformClient.ConnectAsync(options, Ct);
        var created = await client.Containers.CreateAsync(new CreateContainer { Id = "late-" + Guid.NewGuid().ToString("N")[..6], Runtime = new() { Name = "runc" }, Spec = "{}" }, Ct);
        Assert.Equal(1, created.Version);
        await host.StopAsync(Ct);
        await BrokerCleanup.DeleteQueuesAsync(Requirements.BusUri, prefix);
    }
}
