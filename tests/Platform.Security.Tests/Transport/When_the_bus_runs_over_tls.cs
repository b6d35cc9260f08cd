using System.Diagnostics;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Security.Tests.Support;
using Xunit;

namespace Platform.Security.Tests.Transport;

/// <summary>
/// Services and clients over <c>amqps://</c> against a real RabbitMQ TLS listener on 127.0.0.1, with certificates the
/// test made: the broker's certificate is checked against the given CA alone, a client certificate is offered when
/// configured, and every refusal says who refused what and why.
/// </summary>
public sealed class When_the_bus_runs_over_tls(TlsPlatformFixture fixture) : IClassFixture<TlsPlatformFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CreateContainer Container(string id) => new() { Id = id, Runtime = new RuntimeInfo { Name = "runc" }, Spec = Spec };

    private static string NewId() => $"tls-{Guid.NewGuid():N}"[..12];

    [Fact]
    public async Task A_host_and_a_client_that_trust_the_test_ca_create_and_get_a_container()
    {
        await using var client = await fixture.ConnectAsync(fixture.Broker.BusUri, fixture.Pki.CaFile);
        var id = NewId();

        var created = await client.Containers.CreateAsync(Container(id), Ct);
        var read = await client.Containers.GetAsync(id, cancellationToken: Ct);

        Assert.Equal(id, created.Id);
        Assert.Equal(created.Version, read.Version);
    }

    [Fact]
    public async Task A_client_that_trusts_another_ca_is_refused_at_once_and_told_why()
    {
        var clock = Stopwatch.StartNew();
        var refused = await Expect.ErrorAsync(ErrorKind.Unavailable,
            () => fixture.ConnectAsync(fixture.Broker.BusUri, fixture.Pki.OtherCaFile, connectTimeout: TimeSpan.FromSeconds(60)));

        Assert.Contains($"127.0.0.1:{fixture.Broker.Port}", refused.Message);
        Assert.Contains("does not verify", refused.Message);
        Assert.Contains($"does not chain to a CA in {fixture.Pki.OtherCaFile}", refused.Message);
        // A certificate problem is not waited out like a broker that is down.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"refused only after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_client_that_trusts_only_the_machine_cas_is_refused_because_the_test_ca_is_not_among_them()
    {
        var refused = await Expect.ErrorAsync(ErrorKind.Unavailable, () => fixture.ConnectAsync(fixture.Broker.BusUri, caFile: null));

        Assert.Contains($"127.0.0.1:{fixture.Broker.Port}", refused.Message);
        Assert.Contains("not trusted by this machine's CAs", refused.Message);
    }

    [Fact]
    public async Task A_client_certificate_is_offered_and_accepted()
    {
        await using var client = await fixture.ConnectAsync(fixture.Broker.BusUri, fixture.Pki.CaFile, fixture.Pki.ClientCertificate, fixture.Pki.ClientKey);
        var id = NewId();

        await client.Containers.CreateAsync(Container(id), Ct);

        Assert.Equal(id, (await client.Containers.GetAsync(id, cancellationToken: Ct)).Id);
    }

    [Fact]
    public async Task A_listener_that_requires_a_client_certificate_accepts_one_from_a_pkcs12_file()
    {
        await using var client = await fixture.ConnectAsync(fixture.Broker.StrictBusUri, fixture.Pki.CaFile, fixture.Pki.ClientPfx, password: TestPki.PfxPassword);
        var id = NewId();

        await client.Containers.CreateAsync(Container(id), Ct);

        Assert.Equal(id, (await client.Containers.GetAsync(id, cancellationToken: Ct)).Id);
    }

    [Fact]
    public async Task A_listener_that_requires_a_client_certificate_refuses_a_client_without_one_and_says_so()
    {
        var refused = await Expect.ErrorAsync(ErrorKind.Unavailable, () => fixture.ConnectAsync(fixture.Broker.StrictBusUri, fixture.Pki.CaFile));

        Assert.Contains($"RabbitMQ at 127.0.0.1:{fixture.Broker.StrictPort} refused the TLS connection", refused.Message);
        Assert.Contains("PLATFORM_BUS_CERT", refused.Message);
    }

    [Fact]
    public async Task A_client_certificate_from_a_ca_the_broker_does_not_trust_is_refused()
    {
        var refused = await Expect.ErrorAsync(ErrorKind.Unavailable,
            () => fixture.ConnectAsync(fixture.Broker.BusUri, fixture.Pki.CaFile, fixture.Pki.OtherClientCertificate, fixture.Pki.OtherClientKey));

        Assert.Contains($"RabbitMQ at 127.0.0.1:{fixture.Broker.Port} refused the TLS connection", refused.Message);
    }

    [Fact]
    public async Task A_host_that_trusts_another_ca_does_not_start_and_says_why()
    {
        var dataRoot = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));
        using var host = fixture.BuildHost(new Dictionary<string, string?>
        {
            ["Bus:CaFile"] = fixture.Pki.OtherCaFile,
            ["Bus:EndpointPrefix"] = $"{fixture.Prefix}x-",
            ["Store:DataRoot"] = dataRoot,
        });
        try
        {
            var refused = await Expect.ErrorAsync(ErrorKind.Unavailable, () => host.StartAsync(Ct));

            Assert.Contains($"RabbitMQ at 127.0.0.1:{fixture.Broker.Port}", refused.Message);
            Assert.Contains($"does not chain to a CA in {fixture.Pki.OtherCaFile}", refused.Message);
        }
        finally
        {
            Directory.Delete(dataRoot, recursive: true);
        }
    }

    [Fact]
    public async Task A_host_whose_ca_file_is_missing_is_told_which_setting_names_it()
    {
        var dataRoot = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));
        var missing = Path.Combine(fixture.Pki.Folder, "no-such-ca.pem");
        using var host = fixture.BuildHost(new Dictionary<string, string?>
        {
            ["Bus:CaFile"] = missing,
            ["Bus:EndpointPrefix"] = $"{fixture.Prefix}y-",
            ["Store:DataRoot"] = dataRoot,
        });
        try
        {
            var refused = await Expect.ErrorAsync(ErrorKind.InvalidArgument, () => host.StartAsync(Ct));

            Assert.Contains(missing, refused.Message);
            Assert.Contains("Bus:CaFile", refused.Message);
        }
        finally
        {
            if (Directory.Exists(dataRoot))
                Directory.Delete(dataRoot, recursive: true);
        }
    }
}
