namespace Platform.Client;

/// <summary>How a client reaches Platform.</summary>
public sealed class PlatformClientOptions
{
    /// <summary>Broker address. Default: env <c>PLATFORM_BUS</c>, else <c>amqp://guest:guest@127.0.0.1:5672/</c>.</summary>
    public Uri BusUri { get; set; } = new(Environment.GetEnvironmentVariable("PLATFORM_BUS") is { Length: > 0 } env ? env : "amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>Namespace used when a call names none. Default <c>default</c>.</summary>
    public string Namespace { get; set; } = Contracts.Namespaces.Default;

    /// <summary>How long to wait for a reply before failing with Unavailable. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to try reaching the broker on connect. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Prefix of the service queues; must equal the services' <c>Bus:EndpointPrefix</c>. Default empty.</summary>
    public string EndpointPrefix { get; set; } = "";

}
