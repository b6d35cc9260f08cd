using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Platform.Client.Images;
using Platform.Common.Health;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary>
/// <c>run</c>'s health flags (docker's <c>--health-*</c>, <c>--no-healthcheck</c>, podman's <c>--health-on-failure</c>)
/// and an image's Healthcheck: what ends in the container's label <c>platform.io/health.check</c>, what <c>tasks get</c>
/// shows, and the InvalidArgument (exit 3) for a value that breaks a rule, naming the flag.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_run_is_given_health_flags(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private const string Image = "docker.io/team/checked:1";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>A busybox image whose Healthcheck fails every 200 ms (one failure is enough), as docker build writes it.</summary>
    private async Task LoadAsync(PlatformCtl ctl)
    {
        var builder = new OciLayoutBuilder();
        var image = builder.AddImage([OciImages.BusyboxLayer()], process: new JsonObject
        {
            ["Cmd"] = new JsonArray("sleep", "120"),
            ["Env"] = new JsonArray("PATH=/bin"),
            ["Healthcheck"] = new JsonObject
            {
                ["Test"] = new JsonArray("CMD-SHELL", "echo sick; exit 1"), ["Interval"] = 200_000_000L, ["Retries"] = 1,
            },
        });
        builder.Name(image.Descriptor, Image);
        var archive = builder.WriteTar(Path.Combine(_scratch.Root, Guid.NewGuid().ToString("N") + ".tar"));
        await new ImageLoader(fixture.Client).LoadAsync(archive, new ImageLoadOptions { Namespace = ctl.Namespace }, null, Ct);
    }

    private async Task<HealthCheck?> CheckOfAsync(PlatformCtl ctl, string id) =>
        HealthCheck.FromLabels((await fixture.Client.Containers.GetAsync(id, ctl.Namespace, Ct)).Labels);

    [Fact]
    public async Task The_images_Healthcheck_applies_flags_override_it_and_no_healthcheck_disables_it()
    {
        Requirements.Runtime();
        var ctl = PlatformCtl.For(fixture);
        await LoadAsync(ctl);

        await OkAsync(ctl, "run", "-d", "--name", "from-image", Image);
        var check = (await CheckOfAsync(ctl, "from-image"))!;
        Assert.Equal(["CMD-SHELL", "echo sick; exit 1"], check.Test);
        Assert.Equal((TimeSpan.FromMilliseconds(200), 1), (check.Interval, check.Retries));
        await Eventually.TrueAsync(async () =>
            Output.Json((await OkAsync(ctl, "tasks", "get", "from-image", "-o", "json")).Stdout).GetProperty("health").GetProperty("status").GetString() == "unhealthy",
            Ct, TimeSpan.FromSeconds(30), "the image's failing check makes it unhealthy");
        var health = Output.Json((await OkAsync(ctl, "tasks", "get", "from-image", "-o", "json")).Stdout).GetProperty("health");
        Assert.Equal("sick\n", health.GetProperty("log")[0].GetProperty("output").GetString());
        Assert.Contains("unhealthy", (await OkAsync(ctl, "tasks", "get", "from-image")).Stdout);

        await OkAsync(ctl, "run", "-d", "--name", "overridden", "--health-cmd", "true", "--health-retries", "4", "--health-on-failure", "kill", Image);
        var overridden = (await CheckOfAsync(ctl, "overridden"))!;
        Assert.Equal(["CMD-SHELL", "true"], overridden.Test);
        Assert.Equal((4, TimeSpan.FromMilliseconds(200), "kill"), (overridden.Retries, overridden.Interval, overridden.OnFailure));

        await OkAsync(ctl, "run", "-d", "--name", "unchecked", "--no-healthcheck", Image);
        Assert.Null(await CheckOfAsync(ctl, "unchecked"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null,
            Output.Json((await OkAsync(ctl, "tasks", "get", "unchecked", "-o", "json")).Stdout).GetProperty("health").ValueKind);

        foreach (var id in new[] { "from-image", "overridden", "unchecked" })
            await OkAsync(ctl, "containers", "rm", "-f", id);
    }

    [Theory]
    [InlineData("--health-interval", "-1s", "cannot be negative")]
    [InlineData("--health-timeout", "10", "invalid duration")]
    [InlineData("--health-start-period", "-5m", "cannot be negative")]
    [InlineData("--health-retries", "-1", "cannot be negative")]
    [InlineData("--health-interval", "500us", "at least 1ms")]
    [InlineData("--health-on-failure", "stop", "none, kill, restart")]
    public async Task A_value_breaking_a_rule_is_InvalidArgument_naming_the_flag(string flag, string value, string rule)
    {
        var result = await PlatformCtl.WithoutPlatform().RunAsync("run", "--rootfs", "/", "--health-cmd", "true", flag, value, "web", "--", "true");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains(flag, result.Stderr);
        Assert.Contains(rule, result.Stderr);
    }

    [Fact]
    public async Task No_healthcheck_with_a_health_flag_is_refused()
    {
        var result = await PlatformCtl.WithoutPlatform().RunAsync("run", "--rootfs", "/", "--no-healthcheck", "--health-cmd", "true", "web", "--", "true");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("--no-healthcheck conflicts with --health-* options", result.Stderr);
    }
}
