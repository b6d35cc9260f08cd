using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MassTransit;
using Platform.Common.Errors;

namespace Platform.Client;

/// <summary>
/// TLS for an <c>amqps://</c> bus address, the one implementation behind the services' bus and the client's. The
/// broker's certificate must carry the address's host name and chain to a CA of <see cref="BusTlsFiles.CaFile"/>
/// alone (this machine's trusted CAs when none is given); validation is never switched off. A client certificate is
/// offered when one is configured.
/// </summary>
public sealed class BusTls
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    // AMQP 0-9-1's protocol header: a broker answers it with Connection.Start, or refuses a TLS client it does not accept.
    private static readonly byte[] ProtocolHeader = "AMQP\0\0\x09\x01"u8.ToArray();

    private readonly X509Certificate2Collection? _authorities;
    private readonly string? _caFile;

    private BusTls(string host, int port, string? caFile, X509Certificate2Collection? authorities, X509Certificate2? clientCertificate)
    {
        Host = host;
        Port = port;
        _caFile = caFile;
        _authorities = authorities;
        ClientCertificate = clientCertificate;
    }

    /// <summary>The broker's host name, as the certificate must name it.</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary>The certificate (with its private key) offered to the broker; null when none is configured.</summary>
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>True for <c>amqps://</c> (and MassTransit's <c>rabbitmqs://</c>).</summary>
    public static bool IsTls(Uri busUri) => busUri.Scheme is "amqps" or "rabbitmqs";

    /// <summary>The port a bus address means: its own, else 5671 for TLS and 5672 otherwise.</summary>
    public static int PortOf(Uri busUri) => busUri.Port > 0 ? busUri.Port : IsTls(busUri) ? 5671 : 5672;

    /// <summary>
    /// The TLS settings of <paramref name="busUri"/>, loaded and checked now; null for a plain <c>amqp://</c> address.
    /// InvalidArgument naming the setting when a file is missing or unreadable, or when files are given for a plain
    /// address (which would otherwise silently go without TLS).
    /// </summary>
    public static BusTls? Create(Uri busUri, BusTlsFiles files)
    {
        if (!IsTls(busUri))
        {
            if (files.Any)
                throw PlatformException.InvalidArgument(
                    $"TLS files are configured ({Named(files)}) but the bus address {busUri.Scheme}://{busUri.Host}:{PortOf(busUri)} is not amqps://; use amqps:// to connect over TLS, or unset them");
            return null;
        }
        var authorities = string.IsNullOrEmpty(files.CaFile) ? null : LoadAuthorities(files.CaFile);
        var certificate = string.IsNullOrEmpty(files.ClientCertificate) ? null : LoadClientCertificate(files);
        if (certificate is null && !string.IsNullOrEmpty(files.ClientKey))
            throw PlatformException.InvalidArgument($"{BusTlsFiles.KeyNames} is set without a client certificate ({BusTlsFiles.CertificateNames})");
        return new BusTls(busUri.Host, PortOf(busUri), files.CaFile, authorities, certificate);
    }

    /// <summary>Turns on TLS for a MassTransit RabbitMQ host with this class's verification and client certificate.</summary>
    public void Apply(IRabbitMqHostConfigurator host) =>
        host.UseSsl(ssl =>
        {
            ssl.ServerName = Host;
            ssl.Protocol = SslProtocols.Tls12 | SslProtocols.Tls13;
            ssl.CertificateValidationCallback = (_, certificate, chain, errors) => Verify(certificate, chain, errors) is null;
            if (ClientCertificate is not null)
                ssl.Certificate = ClientCertificate;
        });

    /// <summary>The same TLS for a connection of RabbitMQ.Client's own (the client's requests and routes).</summary>
    public void Apply(RabbitMQ.Client.ConnectionFactory factory) =>
        factory.Ssl = new RabbitMQ.Client.SslOption
        {
            Enabled = true,
            ServerName = Host,
            Version = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateValidationCallback = (_, certificate, chain, errors) => Verify(certificate, chain, errors) is null,
            Certs = ClientCertificate is null ? null : new X509CertificateCollection { ClientCertificate },
        };

    /// <summary>
    /// One TLS handshake and AMQP greeting with the broker, so a certificate problem is reported at once with its reason
    /// instead of as a connection that keeps failing. Unavailable naming the host and the reason when the broker's
    /// certificate does not verify or the broker refuses this client; returns quietly when the broker can't be reached
    /// at all (reporting that, with retries, is the caller's job).
    /// </summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(Host, Port, cancellationToken);
        }
        catch (SocketException)
        {
            return;
        }
        string? rejection = null;
        await using var stream = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false,
            (_, certificate, chain, errors) => (rejection = Verify(certificate, chain, errors)) is null);
        try
        {
            await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = Host,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificates = ClientCertificate is null ? null : [ClientCertificate],
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, cancellationToken);
            // Under TLS 1.3 a broker refuses a client certificate (or its absence) only after the handshake: read its answer.
            await stream.WriteAsync(ProtocolHeader, cancellationToken);
            var answer = new byte[1];
            if (await stream.ReadAsync(answer, cancellationToken) == 0)
                throw new IOException("the broker closed the connection after the TLS handshake");
        }
        catch (AuthenticationException e) when (rejection is not null)
        {
            throw Unverified(rejection, e);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            var hint = ClientCertificate is null
                ? $"; if the broker requires a client certificate, configure one ({BusTlsFiles.CertificateNames})"
                : "";
            throw PlatformException.Unavailable(
                $"RabbitMQ at {Host}:{Port} refused the TLS connection: {e.GetBaseException().Message}{hint}", e);
        }
    }

    private PlatformException Unverified(string reason, Exception inner) =>
        PlatformException.Unavailable($"the certificate of RabbitMQ at {Host}:{Port} does not verify: {reason}", inner);

    /// <summary>Null when the broker's certificate is acceptable, else why not.</summary>
    private string? Verify(X509Certificate? presented, X509Chain? chain, SslPolicyErrors errors)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return "the broker presented no certificate";
        var certificate = presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        var subject = $"\"{certificate.Subject}\", issued by \"{certificate.Issuer}\"";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return $"it ({subject}) is not issued for {Host}: it names {NamesOf(certificate)}";
        if (_authorities is null)
            return errors == SslPolicyErrors.None
                ? null
                : $"it ({subject}) is not trusted by this machine's CAs: {StatusOf(chain)}; name the CA that signed it ({BusTlsFiles.CaFileNames})";

        // The system's verdict on the chain is ignored on purpose: it knows the machine's CAs, and only the given ones count.
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        // No revocation lists to fetch here (a private CA rarely publishes one, and the broker may be offline).
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthentication));
        // Intermediates the broker sent; trust still comes from the CA file alone.
        if (chain is not null)
            foreach (var element in chain.ChainElements.Skip(1))
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        return custom.Build(certificate)
            ? null
            : $"it ({subject}) does not chain to a CA in {_caFile}: {StatusOf(custom)}";
    }

    private static string StatusOf(X509Chain? chain) =>
        chain is null || chain.ChainStatus.Length == 0
            ? "unknown chain error"
            : string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status} ({s.StatusInformation.Trim()})"));

    private static string NamesOf(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(san => san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(ip => ip.ToString())))
            .ToList();
        return names.Count == 0 ? $"no alternative names (subject \"{certificate.Subject}\")" : string.Join(", ", names);
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        RequireFile(path, BusTlsFiles.CaFileNames, "the CA file");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
            if (authorities.Count == 0)
                authorities.Add(X509CertificateLoader.LoadCertificateFromFile(path)); // one DER certificate
        }
        catch (CryptographicException e)
        {
            throw PlatformException.InvalidArgument($"the CA file {path} ({BusTlsFiles.CaFileNames}) holds no certificate: {e.Message}");
        }
        return authorities;
    }

    private static X509Certificate2 LoadClientCertificate(BusTlsFiles files)
    {
        var path = files.ClientCertificate!;
        RequireFile(path, BusTlsFiles.CertificateNames, "the client certificate");
        var key = string.IsNullOrEmpty(files.ClientKey) ? null : files.ClientKey;
        if (key is not null)
            RequireFile(key, BusTlsFiles.KeyNames, "the client key");
        X509Certificate2 certificate;
        try
        {
            if (IsPem(path))
                certificate = string.IsNullOrEmpty(files.ClientCertificatePassword)
                    ? X509Certificate2.CreateFromPemFile(path, key)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, files.ClientCertificatePassword, key);
            else
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, files.ClientCertificatePassword);
        }
        // A key of another certificate is an ArgumentException; a malformed file or a wrong password a CryptographicException.
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            var from = key is null ? path : $"{path} with the key {key}";
            throw PlatformException.InvalidArgument(
                $"cannot load the client certificate from {from} ({BusTlsFiles.CertificateNames}, {BusTlsFiles.KeyNames}): {e.Message}");
        }
        if (!certificate.HasPrivateKey)
            throw PlatformException.InvalidArgument(
                $"the client certificate {path} comes without its private key; name the key file ({BusTlsFiles.KeyNames})");
        return certificate;
    }

    private static bool IsPem(string path)
    {
        using var reader = new StreamReader(path);
        var start = new char[4096];
        var read = reader.ReadBlock(start, 0, start.Length);
        return new string(start, 0, read).Contains("-----BEGIN", StringComparison.Ordinal);
    }

    private static void RequireFile(string path, string names, string what)
    {
        if (!File.Exists(path))
            throw PlatformException.InvalidArgument($"{what} {path} ({names}) does not exist");
        try
        {
            using var _ = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw PlatformException.InvalidArgument($"{what} {path} ({names}) cannot be read: {e.Message}");
        }
    }

    private static string Named(BusTlsFiles files) =>
        string.Join(", ", new[]
        {
            string.IsNullOrEmpty(files.CaFile) ? null : BusTlsFiles.CaFileNames,
            string.IsNullOrEmpty(files.ClientCertificate) ? null : BusTlsFiles.CertificateNames,
            string.IsNullOrEmpty(files.ClientKey) ? null : BusTlsFiles.KeyNames,
        }.OfType<string>());
}
