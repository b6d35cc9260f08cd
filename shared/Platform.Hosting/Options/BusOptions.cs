using System.ComponentModel.DataAnnotations;
using Platform.Client;

namespace Platform.Hosting.Options;

/// <summary>Configuration section <c>Bus</c>: how a service reaches RabbitMQ.</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    /// <summary>Broker address with credentials. Default <c>amqp://guest:guest@127.0.0.1:5672/</c>; env <c>Bus__Uri</c>, <c>PLATFORM_BUS</c>, or a file named by <c>PLATFORM_BUS_FILE</c> (keeps the password out of process arguments).</summary>
    [Required]
    public Uri Uri { get; set; } = new("amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>Prefix for every queue this service listens on. Default empty; tests use a unique one so hosts never share queues.</summary>
    public string EndpointPrefix { get; set; } = "";

    /// <summary>Messages fetched ahead per queue. Default 64.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;

    /// <summary>Messages handled at once per queue. Default 32.</summary>
    [Range(1, 10_000)]
    public int ConcurrentMessageLimit { get; set; } = 32;

    /// <summary>For <c>amqps://</c>: PEM file of the CAs the broker's certificate must chain to (those alone). Default none: this machine's trusted CAs. Env <c>PLATFORM_BUS_CA</c>.</summary>
    public string? CaFile { get; set; }

    /// <summary>For <c>amqps://</c>: client certificate, PEM or PKCS#12 (<c>.pfx</c>). Default none. Env <c>PLATFORM_BUS_CERT</c>.</summary>
    public string? ClientCertificate { get; set; }

    /// <summary>PEM key of <see cref="ClientCertificate"/>. Default none: read from the certificate file. Env <c>PLATFORM_BUS_KEY</c>.</summary>
    public string? ClientKey { get; set; }

    /// <summary>Password of a PKCS#12 certificate or an encrypted PEM key. Default none. Env <c>PLATFORM_BUS_CERT_PASSWORD</c>.</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>The TLS files above, as the bus helper takes them.</summary>
    public BusTlsFiles Tls => new()
    {
        CaFile = CaFile,
        ClientCertificate = ClientCertificate,
        ClientKey = ClientKey,
        ClientCertificatePassword = ClientCertificatePassword,
    };
}
