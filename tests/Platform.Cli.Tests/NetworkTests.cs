using System.Text.Json;
using Platform.Contracts;
using Platform.Common.Networks;
using Platform.Contracts.Containers;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary>
/// <c>networks create|ls|inspect|rm|prune</c> against the real services: records with their subnets, removal refused
/// while a container names a network, prune keeping used networks and the default one, read-only users reading only.
/// </summary>
public sealed class When_a_user_manages_networks(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement[]> InspectAsync(PlatformCtl ctl, params string[] names) =>
        [.. JsonDocument.Parse((await OkAsync(ctl, ["networks", "inspect", .. names])).Stdout).RootElement.Clone().EnumerateArray()];

    private static async Task<string[]> NamesAsync(PlatformCtl ctl, params string[] filters) =>
        (await OkAsync(ctl, ["networks", "ls", "-q", .. filters.SelectMany(f => new[] { "--filter", f })])).Lines;

    private Task ContainerAsync(PlatformCtl ctl, string id, string? network) =>
        fixture.Client.Containers.CreateAsync(new CreateContainer
        {
            Namespace = ctl.Namespace, Id = id, Runtime = new RuntimeInfo { Name = "runc" }, Spec = Spec,
            Labels = network is null ? null : new Dictionary<string, string> { [NetworkLabels.Network] = network },
        }, Ct);

    [Fact]
    public async Task Create_ls_inspect_and_rm_keep_a_network_record()
    {
        var ctl = PlatformCtl.For(fixture);

        var created = await OkAsync(ctl, "networks", "create", "appnet", "--subnet", "10.210.0.0/24", "--gateway", "10.210.0.254", "--label", "owner=ci");
        await OkAsync(ctl, "networks", "create", "other");

        Assert.Contains("10.210.0.0/24", created.Stdout);
        var network = Assert.Single(await InspectAsync(ctl, "appnet"));
        Assert.Equal("10.210.0.0/24", network.GetProperty("subnet").GetString());
        Assert.Equal("10.210.0.254", network.GetProperty("gateway").GetString());
        Assert.Equal("bridge", network.GetProperty("driver").GetString());
        Assert.Equal("plat" + network.GetProperty("id").GetString()![..8], network.GetProperty("bridge").GetString());
        Assert.Equal("ci", network.GetProperty("labels").GetProperty("owner").GetString());
        Assert.Equal(0, network.GetProperty("containers").GetArrayLength());
        Assert.Equal(["appnet", "other"], await NamesAsync(ctl));
        Assert.Equal(["appnet"], await NamesAsync(ctl, "label=owner=ci"));
        var table = await OkAsync(ctl, "networks", "ls");
        Assert.StartsWith("NAME", table.Lines[0]);
        Assert.Contains(table.Lines, l => l.StartsWith("appnet ") && l.Contains("10.210.0.0/24"));
        Assert.Equal(ExitCodes.AlreadyExists, (await ctl.RunAsync("networks", "create", "appnet")).ExitCode);

        var removed = await OkAsync(ctl, "networks", "rm", "appnet", "other");

        Assert.Equal(["appnet", "other"], removed.Lines);
        Assert.Empty(await NamesAsync(ctl));
    }

    [Fact]
    public async Task Inspect_prints_what_it_found_and_exits_with_the_first_failure()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "networks", "create", "appnet");

        var result = await ctl.RunAsync("networks", "inspect", "missing", "appnet");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains("missing", result.Stderr);
        Assert.Equal(["appnet"], JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Select(n => n.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("--subnet", "10.211.0.0/31", "subnet")]
    [InlineData("--subnet", "10.211.0.1/24", "subnet")]
    [InlineData("--gateway", "10.211.0.1", "gateway")]
    public async Task A_bad_subnet_or_gateway_is_refused_naming_it(string flag, string value, string field)
    {
        var ctl = PlatformCtl.For(fixture);

        var result = await ctl.RunAsync("networks", "create", "appnet", flag, value);

        Assert.True(result.ExitCode == ExitCodes.InvalidArgument, result.ToString());
        Assert.Contains($"error: InvalidArgument: {field}", result.Stderr);
        Assert.Empty(await NamesAsync(ctl));
    }

    [Fact]
    public async Task Rm_of_a_network_a_container_names_is_refused_naming_the_container()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "networks", "create", "appnet");
        await ContainerAsync(ctl, "web", "appnet");

        var refused = await ctl.RunAsync("networks", "rm", "appnet");

        Assert.True(refused.ExitCode == ExitCodes.FailedPrecondition, refused.ToString());
        Assert.Contains("web", refused.Stderr);
        Assert.Equal(["web"], (await InspectAsync(ctl, "appnet"))[0].GetProperty("containers").EnumerateArray().Select(c => c.GetString()));
        await OkAsync(ctl, "containers", "rm", "web");
        await OkAsync(ctl, "networks", "rm", "appnet");
    }

    [Fact]
    public async Task Prune_asks_first_and_then_keeps_used_networks_and_the_default_one()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "networks", "create", NetworkLabels.DefaultName);
        await OkAsync(ctl, "networks", "create", "used");
        await OkAsync(ctl, "networks", "create", "idle");
        await ContainerAsync(ctl, "web", "used");

        var declined = await ctl.RunWithStdinAsync("n\n", "networks", "prune");
        Assert.Equal(0, declined.ExitCode);
        Assert.Contains("Are you sure", declined.Stderr);
        Assert.Equal(["idle", NetworkLabels.DefaultName, "used"], await NamesAsync(ctl));

        var pruned = await OkAsync(ctl, "networks", "prune", "-f");

        Assert.Equal(["idle"], pruned.Lines);
        Assert.Equal([NetworkLabels.DefaultName, "used"], await NamesAsync(ctl));
        var confirmed = await ctl.RunWithStdinAsync("y\n", "networks", "prune");
        Assert.Equal(0, confirmed.ExitCode);
        Assert.Empty(confirmed.Lines);
    }

    [Fact]
    public async Task A_read_only_user_lists_and_inspects_but_does_not_create()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "networks", "create", "appnet");
        var name = "cli-netro-" + Guid.NewGuid().ToString("N")[..8];
        var added = await OkAsync(ctl, "-o", "json", "admin", "users", "add", name, "--namespace", ctl.Namespace, "--read-only");
        var reader = PlatformCtl.As(fixture, new Uri(JsonDocument.Parse(added.Stdout).RootElement.GetProperty("uri").GetString()!), ctl.Namespace);
        try
        {
            Assert.Equal(["appnet"], await NamesAsync(reader));
            Assert.Single(await InspectAsync(reader, "appnet"));
            var denied = await reader.RunAsync("networks", "create", "mine");
            Assert.True(denied.ExitCode == ExitCodes.For(ErrorKind.PermissionDenied), denied.ToString());
            Assert.Equal(ExitCodes.For(ErrorKind.PermissionDenied), (await reader.RunAsync("networks", "rm", "appnet")).ExitCode);
        }
        finally
        {
            await ctl.RunAsync("admin", "users", "rm", name);
        }
    }
}
