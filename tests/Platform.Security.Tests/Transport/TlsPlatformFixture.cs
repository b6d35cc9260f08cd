using Microsoft.Extensions.Hosting;
using Platform.Client;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Transport;

/// <summary>
/// Certificates made with openssl, a RabbitMQ node of the test's own that speaks TLS only, and a Platform host (the
/// same composition as platformd) connected to it over <c>amqps://</c>, trusting the test's CA alone. Clients connect
/// with <see cref="ConnectAsync"/>, choosing the CA, the certificate and the listener.
/// </summary>
public sealed class TlsPlatformFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "platform-tls-tests", Guid.NewGuid().ToString("N"));
    private readonly PlatformFixture _platform = new();
    private TestPki? _pki;
    private TlsBroker? _broker;
    private IHost? _host;
    private string? _missing;

    internal TestPki Pki => Ready(_pki);

    internal TlsBroker Broker => Ready(_broker);

    public string Prefix => _platform.Prefix;

    public async ValueTask InitializeAsync()
    {
        _missing = TlsRequirements.MissingBroker();
        if (_missing is not null)
            return; // each test reports it
        _pki = await TestPki.CreateAsync(Path.Combine(_root, "pki"));
        _broker = await TlsBroker.StartAsync(_pki, Path.Combine(_root, "broker"));
        _host = BuildHost(new Dictionary<string, string?>());
        await _host.StartAsync();
    }

    /// <summary>A Platform host on this fixture's broker and queues; <paramref name="overrides"/> win over its TLS settings.</summary>
    public IHost BuildHost(IDictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Bus:Uri"] = Broker.BusUri.ToString(),
            ["Bus:CaFile"] = Pki.CaFile,
        };
        foreach (var (key, value) in overrides)
            settings[key] = value;
        return _platform.BuildHost(settings);
    }

    /// <summary>A client of this fixture's host over TLS; null files are left out (not taken from the environment).</summary>
    public Task<PlatformClient> ConnectAsync(Uri busUri, string? caFile, string? certificate = null, string? key = null, string? password = null,
        TimeSpan? connectTimeout = null) =>
        PlatformClient.ConnectAsync(new PlatformClientOptions
        {
            BusUri = busUri,
            EndpointPrefix = Prefix,
            Timeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(30),
            CaFile = caFile,
            ClientCertificate = certificate,
            ClientKey = key,
            ClientCertificatePassword = password,
        }, TestContext.Current.CancellationToken);

    private T Ready<T>(T? value) where T : class
    {
        TlsRequirements.Require(_missing);
        return value ?? throw new InvalidOperationException("the fixture did not start");
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await PlatformFixture.KillTasksAsync(_host.Services);
            await _host.StopAsync();
            _host.Dispose();
        }
        if (_broker is not null)
            await _broker.DisposeAsync();
        _pki?.Dispose();
        foreach (var folder in new[] { _platform.DataRoot, _root })
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }
}
