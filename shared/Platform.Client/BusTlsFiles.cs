namespace Platform.Client;

/// <summary>
/// The files that secure an <c>amqps://</c> bus address. Services take them from the <c>Bus</c> section, clients from
/// <see cref="PlatformClientOptions"/>; both default to the same environment variables, so one setting serves a host
/// and the <c>platformctl</c> beside it.
/// </summary>
public sealed record BusTlsFiles
{
    /// <summary>PEM file of the CA certificates the broker's certificate must chain to (those alone). Optional: without it, this machine's trusted CAs.</summary>
    public string? CaFile { get; init; }

    /// <summary>Client certificate: PEM (key in <see cref="ClientKey"/> or in the same file) or PKCS#12 (<c>.pfx</c>/<c>.p12</c>, key inside). Optional.</summary>
    public string? ClientCertificate { get; init; }

    /// <summary>PEM private key of <see cref="ClientCertificate"/>. Optional: without it the key is read from the certificate file.</summary>
    public string? ClientKey { get; init; }

    /// <summary>Password of a PKCS#12 file or of an encrypted PEM key. Optional.</summary>
    public string? ClientCertificatePassword { get; init; }

    /// <summary>True when any file is named.</summary>
    public bool Any => !string.IsNullOrEmpty(CaFile) || !string.IsNullOrEmpty(ClientCertificate) || !string.IsNullOrEmpty(ClientKey);

    // Every spelling of a setting, so an error names the one the reader used, whichever that was.
    internal const string CaFileNames = "Bus:CaFile / PLATFORM_BUS_CA / --bus-ca";
    internal const string CertificateNames = "Bus:ClientCertificate / PLATFORM_BUS_CERT";
    internal const string KeyNames = "Bus:ClientKey / PLATFORM_BUS_KEY";

    /// <summary>The files named by <c>PLATFORM_BUS_CA</c>, <c>PLATFORM_BUS_CERT</c>, <c>PLATFORM_BUS_KEY</c> and <c>PLATFORM_BUS_CERT_PASSWORD</c>.</summary>
    public static BusTlsFiles FromEnvironment() => new()
    {
        CaFile = Env(CaFileVariable),
        ClientCertificate = Env(CertificateVariable),
        ClientKey = Env(KeyVariable),
        ClientCertificatePassword = Env(PasswordVariable),
    };

    public const string CaFileVariable = "PLATFORM_BUS_CA";
    public const string CertificateVariable = "PLATFORM_BUS_CERT";
    public const string KeyVariable = "PLATFORM_BUS_KEY";
    public const string PasswordVariable = "PLATFORM_BUS_CERT_PASSWORD";

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
