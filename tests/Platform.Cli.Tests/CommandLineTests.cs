using Xunit;

namespace Platform.Cli.Tests;

/// <summary>Failures found before any service answers: usage errors and an unreachable broker.</summary>
public sealed class When_the_command_line_or_the_broker_is_wrong
{
    [Fact]
    public async Task An_unreachable_bus_exits_7_with_Unavailable_within_the_timeout()
    {
        var ctl = PlatformCtl.WithoutPlatform();
        var started = DateTime.UtcNow;

        var result = await ctl.RunAsync("containers", "ls", "--bus", "amqp://guest:guest@127.0.0.1:1/", "--timeout", "2");

        Assert.Equal(7, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: Unavailable: ", result.Stderr);
        Assert.Contains("127.0.0.1:1", result.Stderr);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_bus_ca_file_that_does_not_exist_exits_3_naming_the_option_and_the_file()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-ca-{Guid.NewGuid():N}.pem");

        var result = await PlatformCtl.WithoutPlatform().RunAsync("containers", "ls", "--bus", "amqps://guest:guest@127.0.0.1:1/", "--bus-ca", missing);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: InvalidArgument: ", result.Stderr);
        Assert.Contains("--bus-ca", result.Stderr);
        Assert.Contains(missing, result.Stderr);
    }

    [Fact]
    public async Task An_unknown_command_exits_2_with_the_error_on_stderr_only()
    {
        var result = await PlatformCtl.WithoutPlatform().RunAsync("containers", "explode");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: ", result.Stderr);
        Assert.Contains("explode", result.Stderr);
        Assert.EndsWith("Run 'platformctl containers --help' for usage.\n", result.Stderr);
    }

    [Fact]
    public async Task A_create_without_runtime_exits_2()
    {
        var result = await PlatformCtl.WithoutPlatform().RunAsync("containers", "create", "web", "--spec", "-");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--runtime", result.Stderr);
    }

    [Fact]
    public async Task An_unknown_output_format_exits_2()
    {
        var result = await PlatformCtl.WithoutPlatform().RunAsync("containers", "ls", "-o", "yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("yaml", result.Stderr);
    }

    [Fact]
    public async Task Help_lists_the_commands_and_every_exit_code()
    {
        var result = await PlatformCtl.WithoutPlatform().RunAsync("--help");

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        Assert.Contains("containers", result.Stdout);
        Assert.Contains("events", result.Stdout);
        foreach (var line in new[] { "0    success", "1    unexpected", "2    usage", "3    InvalidArgument", "4    NotFound",
                     "5    AlreadyExists", "6    FailedPrecondition", "7    Unavailable", "8    Internal" })
            Assert.Contains(line, result.Stdout);
    }

    [Fact]
    public async Task A_missing_spec_file_is_reported_without_contacting_the_broker()
    {
        var missing = Path.Combine(Path.GetTempPath(), "platform-cli-tests", "no-such-spec.json");

        var result = await PlatformCtl.WithoutPlatform().RunAsync("containers", "create", "web", "--runtime", "runc",
            "--spec", missing, "--bus", "amqp://guest:guest@127.0.0.1:1/");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"error: InvalidArgument: --spec file \"{missing}\" does not exist\n", result.Stderr);
    }
}
