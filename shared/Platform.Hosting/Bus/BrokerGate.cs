using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Client;
using Platform.Hosting.Options;
using Platform.Hosting.Resilience;

namespace Platform.Hosting.Bus;

/// <summary>
/// Holds start-up until the broker accepts connections, retrying with back-off and logging each wait.
/// Registered before MassTransit's hosted service so the bus never starts against a broker that is down.
/// </summary>
internal sealed class BrokerGate(IOptions<BusOptions> options, ILogger<BrokerGate> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var uri = options.Value.Uri;
        var port = BusTls.PortOf(uri);
        var tls = BusTls.Create(uri, options.Value.Tls);
        await Retry.Startup(logger, $"RabbitMQ at {uri.Host}:{port}").ExecuteAsync(async ct =>
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(uri.Host, port, timeout.Token);
        }, cancellationToken);
        if (tls is not null)
            await tls.ProbeAsync(cancellationToken);
        logger.LogInformation("RabbitMQ at {Host}:{Port} is reachable", uri.Host, port);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
