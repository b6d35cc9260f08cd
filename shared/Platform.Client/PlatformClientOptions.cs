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

    /// <summary>
    /// Prefix of the service queues; must equal the services' <c>Bus:EndpointPrefix</c>. Default: env
    /// <c>PLATFORM_ENDPOINT_PREFIX</c> (so a separate platformctl process can reach a test's or a benchmark's services
    /// beside a platformd on the same vhost), else empty.
    /// </summary>
    public string EndpointPrefix { get; set; } = Environment.GetEnvironmentVariable("PLATFORM_ENDPOINT_PREFIX") ?? "";

    /// <summary>For <c>amqps://</c>: PEM file of the CAs the broker's certificate must chain to (those alone). Default: env <c>PLATFORM_BUS_CA</c>, else this machine's trusted CAs.</summary>
    public string? CaFile { get; set; } = Environment.GetEnvironmentVariable(BusTlsFiles.CaFileVariable) is { Length: > 0 } ca ? ca : null;

    /// <summary>For <c>amqps://</c>: client certificate, PEM or PKCS#12. Default: env <c>PLATFORM_BUS_CERT</c>, else none.</summary>
    public string? ClientCertificate { get; set; } = Environment.GetEnvironmentVariable(BusTlsFiles.CertificateVariable) is { Length: > 0 } cert ? cert : null;

    /// <summary>PEM key of <see cref="ClientCertificate"/>. Default: env <c>PLATFORM_BUS_KEY</c>, else read from the certificate file.</summary>
    public string? ClientKey { get; set; } = Environment.GetEnvironmentVariable(BusTlsFiles.KeyVariable) is { Length: > 0 } key ? key : null;

    /// <summary>Password of a PKCS#12 certificate or an encrypted PEM key. Default: env <c>PLATFORM_BUS_CERT_PASSWORD</c>, else none.</summary>
    public string? ClientCertificatePassword { get; set; } = Environment.GetEnvironmentVariable(BusTlsFiles.PasswordVariable) is { Length: > 0 } password ? password : null;

    /// <summary>The TLS files above, as the bus helper takes them.</summary>
    public BusTlsFiles Tls => new()
    {
        CaFile = CaFile,
        ClientCertificate = ClientCertificate,
        ClientKey = ClientKey,
        ClientCertificatePassword = ClientCertificatePassword,
    };
}
