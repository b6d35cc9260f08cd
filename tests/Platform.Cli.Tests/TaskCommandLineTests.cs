using Platform.Cli.Input;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary><c>run</c>, <c>tasks kill</c> and <c>tasks exec</c> mistakes found before reaching any broker.</summary>
public sealed class When_a_task_command_line_is_wrong
{
    /// <summary>An address nothing listens on: a run that got past its checks would fail with Unavailable (7).</summary>
    private static readonly string[] NoBroker = ["--bus", "amqp://guest:guest@127.0.0.1:1/", "--timeout", "2"];

    private static Task<CliResult> RunAsync(params string[] args) => PlatformCtl.WithoutPlatform().RunAsync([.. NoBroker, .. args]);

    private static void AssertUsage(CliResult result, string mentioned, string command)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: ", result.Stderr);
        Assert.Contains(mentioned, result.Stderr);
        Assert.EndsWith($"Run 'platformctl {command} --help' for usage.\n", result.Stderr);
    }

    [Theory]
    [InlineData("SIGTERM", 15)]
    [InlineData("TERM", 15)]
    [InlineData("term", 15)]
    [InlineData("SigKill", 9)]
    [InlineData("KILL", 9)]
    [InlineData("INT", 2)]
    [InlineData("HUP", 1)]
    [InlineData("QUIT", 3)]
    [InlineData("USR1", 10)]
    [InlineData("usr2", 12)]
    [InlineData("STOP", 19)]
    [InlineData("SIGCONT", 18)]
    [InlineData("1", 1)]
    [InlineData("9", 9)]
    [InlineData("64", 64)]
    public void Signal_names_in_any_case_and_numbers_1_to_64_are_accepted(string text, int expected)
    {
        Assert.True(SignalName.TryParse(text, out var signal));
        Assert.Equal(expected, signal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("-9")]
    [InlineData("+9")]
    [InlineData("9x")]
    [InlineData("SIG")]
    [InlineData("SIGFOO")]
    [InlineData("TERMINATE")]
    public void Anything_else_is_no_signal(string text) => Assert.False(SignalName.TryParse(text, out _));

    [Theory]
    [InlineData("FOO")]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("sigbogus")]
    public async Task A_bad_signal_exits_2_naming_the_option_and_the_accepted_forms(string value)
    {
        var result = await RunAsync("tasks", "kill", "web", "--signal", value);

        AssertUsage(result, $"--signal \"{value}\"", "tasks kill");
        Assert.Contains("SIGTERM", result.Stderr);
        Assert.Contains("1 to 64", result.Stderr);
    }

    [Fact]
    public async Task A_good_signal_gets_past_the_checks_to_the_broker()
    {
        var result = await RunAsync("tasks", "kill", "web", "--signal", "kill");

        Assert.Equal(7, result.ExitCode);
    }

    [Fact]
    public async Task Run_without_a_command_after_dashes_exits_2_naming_it()
    {
        AssertUsage(await RunAsync("run", "--rootfs", "/", "web"), "after '--'", "run");
        AssertUsage(await RunAsync("run", "--rootfs", "/", "web", "--"), "after '--'", "run");
    }

    [Fact]
    public async Task Run_with_a_command_but_no_dashes_exits_2()
    {
        AssertUsage(await RunAsync("run", "--rootfs", "/", "web", "true"), "after '--'", "run");
    }

    [Fact]
    public async Task Run_with_both_a_snapshot_and_a_rootfs_exits_2()
    {
        var result = await RunAsync("run", "--snapshot", "busybox", "--rootfs", "/", "web", "--", "true");

        AssertUsage(result, "--snapshot and --rootfs cannot be used together", "run");
    }

    [Fact]
    public async Task Run_without_an_image_or_a_root_filesystem_exits_2()
    {
        AssertUsage(await RunAsync("run"), "Required argument missing", "run");
    }

    [Fact]
    public async Task Run_with_a_snapshotter_but_no_snapshot_exits_2()
    {
        AssertUsage(await RunAsync("run", "--rootfs", "/", "--snapshotter", "overlayfs", "web", "--", "true"), "--snapshotter", "run");
    }

    [Fact]
    public async Task Run_with_a_missing_rootfs_folder_exits_3_before_contacting_the_broker()
    {
        var missing = Path.Combine(Path.GetTempPath(), "platform-cli-tests", "no-such-rootfs");

        var result = await RunAsync("run", "--rootfs", missing, "web", "--", "true");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"error: InvalidArgument: --rootfs folder \"{missing}\" does not exist\n", result.Stderr);
    }

    [Fact]
    public async Task Run_with_a_malformed_env_exits_3_naming_it()
    {
        var result = await RunAsync("run", "--rootfs", "/", "--env", "NOEQUALS", "web", "--", "true");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("--env \"NOEQUALS\" must be KEY=VALUE", result.Stderr);
    }

    [Fact]
    public async Task Options_before_the_dashes_belong_to_platformctl_and_after_them_to_the_process()
    {
        // -n and --bus before "--" are platformctl's: the run gets past its checks and fails on the unreachable broker.
        var result = await RunAsync("run", "--rootfs", "/", "web", "--", "sh", "-c", "echo -n hi", "--help");

        Assert.Equal(7, result.ExitCode);
    }

    [Fact]
    public async Task Exec_without_a_command_exits_2_naming_it()
    {
        AssertUsage(await RunAsync("tasks", "exec", "web"), "after '--'", "tasks exec");
    }

    [Fact]
    public void An_exec_process_is_the_containers_process_with_its_own_args_cwd_and_added_env()
    {
        var containerSpec = DefaultSpecFor(["sleep", "600"], ["A=1"]);

        var process = Output.Json(ProcessSpec.ForExec(containerSpec, ["sh", "-c", "echo x"], "/tmp", ["A=2", "B=3"]));

        Assert.Equal(["sh", "-c", "echo x"], process.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToArray());
        Assert.Equal("/tmp", process.GetProperty("cwd").GetString());
        Assert.Equal([Platform.Client.Oci.DefaultSpec.DefaultPath, "A=2", "B=3"],
            process.GetProperty("env").EnumerateArray().Select(a => a.GetString()!).ToArray());
        Assert.True(process.GetProperty("noNewPrivileges").GetBoolean());
        Assert.Equal(14, process.GetProperty("capabilities").GetProperty("bounding").GetArrayLength());
        Assert.False(process.GetProperty("terminal").GetBoolean());
    }

    [Fact]
    public void An_exec_process_of_a_spec_without_process_gets_the_default_path_and_root_folder()
    {
        var process = Output.Json(ProcessSpec.ForExec("{\"ociVersion\":\"1.0.2\"}", ["true"], null, []));

        Assert.Equal(["args", "cwd", "env", "terminal"], Output.PropertyNames(process).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("/", process.GetProperty("cwd").GetString());
        Assert.Equal([Platform.Client.Oci.DefaultSpec.DefaultPath], process.GetProperty("env").EnumerateArray().Select(a => a.GetString()!).ToArray());
    }

    private static string DefaultSpecFor(string[] args, string[] env) =>
        Platform.Client.Oci.DefaultSpec.Create(new Platform.Client.Oci.DefaultSpecOptions { Args = args, Env = env });
}
