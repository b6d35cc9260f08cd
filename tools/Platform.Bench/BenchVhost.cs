namespace Platform.Bench;

/// <summary>
/// A RabbitMQ virtual host of the benchmark's own, deleted at the end (MACHINE-NOTES: a second stack on the same vhost
/// consumes events and CPU). In it platformd runs with no queue prefix, so platformctl, which has no prefix option,
/// reaches it with <c>--bus</c> alone.
/// </summary>
public sealed class BenchVhost : IAsyncDisposable
{
    private BenchVhost(string name, string busUri)
    {
        Name = name;
        BusUri = busUri;
    }

    public string Name { get; }

    /// <summary>The broker address with this vhost as its path.</summary>
    public string BusUri { get; }

    /// <summary>Creates the vhost with <c>rabbitmqctl</c> (the broker on this machine); null with the reason when that fails.</summary>
    public static async Task<(BenchVhost? Vhost, string? Why)> CreateAsync(string busUri)
    {
        var rabbitmqctl = Commands.Which("rabbitmqctl");
        if (rabbitmqctl is null)
            return (null, "rabbitmqctl is not on this machine (a remote broker?)");
        var uri = new Uri(busUri);
        if (!uri.IsLoopback)
            return (null, $"the broker {uri.Host} is not on this machine");
        var name = $"platform-bench-{Environment.ProcessId}-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
        var user = Platform.Client.BusIdentity.UserOf(uri);
        var add = await Commands.RunAsync(rabbitmqctl, "-q", "add_vhost", name);
        if (!add.Ok)
            return (null, $"rabbitmqctl add_vhost failed: {add.FirstLine}");
        var vhost = new BenchVhost(name, new UriBuilder(uri) { Path = "/" + name }.Uri.ToString());
        var permissions = await Commands.RunAsync(rabbitmqctl, "-q", "set_permissions", "-p", name, user, ".*", ".*", ".*");
        if (!permissions.Ok)
        {
            await vhost.DisposeAsync();
            return (null, $"rabbitmqctl set_permissions failed: {permissions.FirstLine}");
        }
        return (vhost, null);
    }

    public async ValueTask DisposeAsync()
    {
        var result = await Commands.RunAsync(Commands.Which("rabbitmqctl") ?? "rabbitmqctl", "-q", "delete_vhost", Name);
        if (!result.Ok)
            Console.Error.WriteLine($"# could not delete virtual host {Name}: {result.FirstLine}");
    }
}
