using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Security.Tests.Support;
using Xunit;

namespace Platform.Security.Tests.Transport;

/// <summary>Settings a person can get wrong are refused before anything is sent, naming the setting and the file.</summary>
public sealed class When_tls_settings_are_wrong : IAsyncLifetime
{
    private static readonly Uri Tls = new("amqps://guest:guest@127.0.0.1:1/");
    private TestPki? _pki;

    private TestPki Pki
    {
        get
        {
            TlsRequirements.Require(TlsRequirements.MissingOpenSsl());
            return _pki!;
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (TlsRequirements.MissingOpenSsl() is null)
            _pki = await TestPki.CreateAsync(Path.Combine(Path.GetTempPath(), "platform-tls-tests", Guid.NewGuid().ToString("N")));
    }

    public ValueTask DisposeAsync()
    {
        _pki?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static Task<PlatformClient> ConnectAsync(Uri busUri, BusTlsFiles files) =>
        PlatformClient.ConnectAsync(new PlatformClientOptions
        {
            BusUri = busUri,
            CaFile = files.CaFile,
            ClientCertificate = files.ClientCertificate,
            ClientKey = files.ClientKey,
            ClientCertificatePassword = files.ClientCertificatePassword,
        }, TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_missing_ca_file_is_an_invalid_argument_naming_the_setting_and_the_file()
    {
        var missing = Path.Combine(Pki.Folder, "nowhere.pem");

        var e = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => ConnectAsync(Tls, new BusTlsFiles { CaFile = missing }));

        Assert.Contains(missing, e.Message);
        Assert.Contains("PLATFORM_BUS_CA", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public async Task A_ca_file_that_holds_no_certificate_is_an_invalid_argument()
    {
        var e = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => ConnectAsync(Tls, new BusTlsFiles { CaFile = Path.Combine(Pki.Folder, "ca.srl") }));

        Assert.Contains("holds no certificate", e.Message);
    }

    [Fact]
    public async Task Tls_files_with_a_plain_amqp_address_are_refused_rather_than_ignored()
    {
        var e = await Expect.ErrorAsync(ErrorKind.InvalidArgument,
            () => ConnectAsync(new Uri("amqp://guest:guest@127.0.0.1:1/"), new BusTlsFiles { CaFile = Pki.CaFile }));

        Assert.Contains("amqps://", e.Message);
    }

    [Fact]
    public async Task A_pem_client_certificate_without_its_key_names_the_key_setting()
    {
        var e = await Expect.ErrorAsync(ErrorKind.InvalidArgument,
            () => ConnectAsync(Tls, new BusTlsFiles { CaFile = Pki.CaFile, ClientCertificate = Pki.ClientCertificate }));

        Assert.Contains(Pki.ClientCertificate, e.Message);
        Assert.Contains("PLATFORM_BUS_KEY", e.Message);
    }

    [Fact]
    public async Task A_client_key_that_belongs_to_another_certificate_is_refused()
    {
        var e = await Expect.ErrorAsync(ErrorKind.InvalidArgument,
            () => ConnectAsync(Tls, new BusTlsFiles { CaFile = Pki.CaFile, ClientCertificate = Pki.ClientCertificate, ClientKey = Pki.OtherClientKey }));

        Assert.Contains(Pki.OtherClientKey, e.Message);
    }

    [Fact]
    public async Task A_pkcs12_file_with_the_wrong_password_is_refused()
    {
        var e = await Expect.ErrorAsync(ErrorKind.InvalidArgument,
            () => ConnectAsync(Tls, new BusTlsFiles { CaFile = Pki.CaFile, ClientCertificate = Pki.ClientPfx, ClientCertificatePassword = "wrong" }));

        Assert.Contains(Pki.ClientPfx, e.Message);
    }

    [Fact]
    public void An_amqps_address_without_a_port_means_5671()
    {
        Assert.Equal(5671, BusTls.PortOf(new Uri("amqps://broker.example/")));
        Assert.Equal(5672, BusTls.PortOf(new Uri("amqp://broker.example/")));
        Assert.Equal(15671, BusTls.PortOf(new Uri("amqps://broker.example:15671/")));
    }

    [Fact]
    public void Tls_files_are_loaded_for_an_amqps_address_with_the_client_certificate_and_its_key()
    {
        var tls = BusTls.Create(Tls, new BusTlsFiles { CaFile = Pki.CaFile, ClientCertificate = Pki.ClientCertificate, ClientKey = Pki.ClientKey });

        Assert.NotNull(tls);
        Assert.True(tls.ClientCertificate!.HasPrivateKey);
        Assert.Equal("127.0.0.1", tls.Host);
        Assert.Equal(1, tls.Port);
    }
}
