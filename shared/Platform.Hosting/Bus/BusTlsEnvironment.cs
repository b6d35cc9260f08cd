using Microsoft.Extensions.Configuration;
using Platform.Client;
using Platform.Hosting.Options;

namespace Platform.Hosting.Bus;

internal static class BusTlsEnvironment
{
    /// <summary>
    /// Takes each TLS file the <c>Bus</c> section leaves unset from its environment variable (<c>PLATFORM_BUS_CA</c>,
    /// <c>PLATFORM_BUS_CERT</c>, <c>PLATFORM_BUS_KEY</c>, <c>PLATFORM_BUS_CERT_PASSWORD</c>), as <c>PLATFORM_BUS</c> is
    /// taken for the address: the same variables then serve a host and the platformctl beside it.
    /// </summary>
    public static void UseTlsEnvironment(this BusOptions options, IConfiguration configuration)
    {
        var env = BusTlsFiles.FromEnvironment();
        string? Unset(string key, string? value) => configuration[$"{BusOptions.Section}:{key}"] is null ? value : null;
        options.CaFile = Unset(nameof(BusOptions.CaFile), env.CaFile) ?? options.CaFile;
        options.ClientCertificate = Unset(nameof(BusOptions.ClientCertificate), env.ClientCertificate) ?? options.ClientCertificate;
        options.ClientKey = Unset(nameof(BusOptions.ClientKey), env.ClientKey) ?? options.ClientKey;
        options.ClientCertificatePassword = Unset(nameof(BusOptions.ClientCertificatePassword), env.ClientCertificatePassword) ?? options.ClientCertificatePassword;
    }
}
