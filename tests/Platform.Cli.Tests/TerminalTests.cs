using System.Diagnostics;
using System.Runtime.Versioning;
using Platform.Client.Images;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary>
/// Terminals and stdin (<c>run -i/-t</c>, <c>tasks exec -i/-t</c>, <c>tasks attach</c>): platformctl runs on a real
/// pseudo-terminal (<see cref="PtyProgram"/>) or with piped stdin, against real runc, conmon and broker.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_user_works_in_a_task_terminal(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private const string Image = "busybox:1.36";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Scratch _scratch = new();

    private async Task<PlatformCtl> CtlWithBusyboxAsync()
    {
        Requirements.Runtime();
        var ctl = PlatformCtl.For(fixture);
        var archive = OciImages.Busybox().WriteTar(Path.Combine(_scratch.Root, Guid.NewGuid().ToString("N") + ".tar"));
        await new ImageLoader(fixture.Client).LoadAsync(archive, new ImageLoadOptions { Namespace = ctl.Namespace }, null, Ct);
        return ctl;
    }

    private static string Marker() => Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Run_it_gives_a_shell_that_echoes_what_is_typed_and_exits_with_its_status()
    {
        var ctl = await CtlWithBusyboxAsync();
        var marker = Marker();
        using var pty = PtyProgram.Start(fixture, ctl.Namespace, "", "run", "-it", "--rm", Image, "sh");

        var prompt = await pty.WaitForAsync("# ", Ct);
        // One key's round trip: platformctl -> bus -> runner -> conmon -> the shell's terminal echoes -> log -> platformctl.
        var typed = Stopwatch.StartNew();
        await pty.TypeAsync("e");
        await pty.WaitForAsync("e", Ct, from: prompt);
        var keystroke = typed.Elapsed;
        typed.Restart();
        await pty.TypeAsync($"cho hi-{marker}; exit 3\r");
        await pty.WaitForAsync($"\nhi-{marker}", Ct, from: prompt);
        var line = typed.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"keystroke to echo: {keystroke.TotalMilliseconds:F1} ms; Enter to the command's output: {line.TotalMilliseconds:F1} ms");
        Console.WriteLine($"run -it: keystroke to echo {keystroke.TotalMilliseconds:F1} ms; Enter to the command's output {line.TotalMilliseconds:F1} ms");

        Assert.True(await pty.ExitAsync(Ct) == 3, pty.Output);
        Assert.DoesNotContain(ctl.Namespace, (await OkAsync(ctl, "containers", "ls")).Stdout);
    }

    [Fact]
    public async Task Piped_stdin_reaches_cat_and_its_end_ends_cat()
    {
        var ctl = await CtlWithBusyboxAsync();

        var run = await ctl.RunWithStdinAsync("data\nmore data\n", "run", "-i", "--rm", Image, "cat");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("data\nmore data\n", run.Stdout);
    }

    [Fact]
    public async Task It_with_a_piped_stdin_is_refused_before_anything_is_made()
    {
        Requirements.RabbitMq();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "platformctl.dll"), "-n", "cli-none", "run", "-it", "--rm", Image, "cat" })
            info.ArgumentList.Add(arg);
        info.Environment["PLATFORM_BUS"] = Requirements.BusUri.ToString();
        info.Environment["PLATFORM_ENDPOINT_PREFIX"] = fixture.Prefix;
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync("data\n");
        process.StandardInput.Close();
        var stderr = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);

        Assert.True(process.ExitCode == ExitCodes.InvalidArgument, stderr);
        Assert.Contains("not a TTY", stderr);
    }

    [Fact]
    public async Task Without_i_the_process_reads_an_empty_stdin()
    {
        var ctl = await CtlWithBusyboxAsync();

        var run = await ctl.RunWithStdinAsync("ignored\n", "run", "--rm", Image, "cat");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task Run_t_alone_gives_a_terminal_without_stdin()
    {
        var ctl = await CtlWithBusyboxAsync();

        var run = await ctl.RunWithStdinAsync("", "run", "-t", "--rm", Image, "sh", "-c", "test -t 0 && test -t 1 && echo on-a-tty");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("on-a-tty\r\n", run.Stdout);
    }

    [Fact]
    public async Task The_terminal_gets_the_users_size_and_follows_a_resize()
    {
        var ctl = await CtlWithBusyboxAsync();
        var fifo = Path.Combine(_scratch.Root, "resize");
        // The pty starts at 33x111; when the test writes to the fifo, the window grows to 40x120 (the kernel sends SIGWINCH).
        var prefix = $"mkfifo '{fifo}'; stty cols 111 rows 33; (cat '{fifo}' >/dev/null; stty -F /dev/tty cols 120 rows 40) &";
        using var pty = PtyProgram.Start(fixture, ctl.Namespace, prefix, "run", "-it", "--rm", Image, "sh");

        var at = await pty.WaitForAsync("# ", Ct);
        await pty.TypeAsync("busybox stty size\r");
        at = await pty.WaitForAsync("\n33 111", Ct, from: at);

        await File.WriteAllTextAsync(fifo, "go\n", Ct);
        await Eventually.TrueAsync(async () =>
        {
            await pty.TypeAsync("busybox stty size\r");
            await Task.Delay(200, Ct);
            return pty.Output.IndexOf("\n40 120", at, StringComparison.Ordinal) >= 0;
        }, Ct, TimeSpan.FromSeconds(30), "the new size should reach the task's terminal");

        await pty.TypeAsync("exit\r");
        Assert.True(await pty.ExitAsync(Ct) == 0, pty.Output);
    }

    [Fact]
    public async Task Exec_it_runs_a_shell_in_a_running_task()
    {
        var ctl = await CtlWithBusyboxAsync();
        var marker = Marker();
        await OkAsync(ctl, "run", "-d", "--name", "box", Image, "sleep", "600");
        try
        {
            using var pty = PtyProgram.Start(fixture, ctl.Namespace, "", "tasks", "exec", "-it", "box", "--", "sh");
            var prompt = await pty.WaitForAsync("# ", Ct);
            await pty.TypeAsync($"echo exec-{marker}; exit 4\r");
            await pty.WaitForAsync($"\nexec-{marker}", Ct, from: prompt);
            Assert.True(await pty.ExitAsync(Ct) == 4, pty.Output);

            var piped = await ctl.RunWithStdinAsync("through exec\n", "tasks", "exec", "-i", "box", "--", "cat");
            Assert.True(piped.ExitCode == 0, piped.ToString());
            Assert.Equal("through exec\n", piped.Stdout);
        }
        finally
        {
            await ctl.RunAsync("tasks", "kill", "box", "--signal", "KILL");
        }
    }

    [Fact]
    public async Task Attach_then_Ctrl_P_Ctrl_Q_detaches_and_leaves_the_task_running()
    {
        var ctl = await CtlWithBusyboxAsync();
        var marker = Marker();
        await OkAsync(ctl, "run", "-d", "-it", "--name", "term", Image, "sh");
        try
        {
            using (var first = PtyProgram.Start(fixture, ctl.Namespace, "", "tasks", "attach", "term"))
            {
                await first.TypeAsync($"echo one-{marker}\r");
                await first.WaitForAsync($"\none-{marker}", Ct);
                await first.TypeAsync("\x10\x11");
                Assert.True(await first.ExitAsync(Ct) == 0, first.Output);
            }
            Assert.Equal("running", Output.Json((await OkAsync(ctl, "-o", "json", "tasks", "get", "term")).Stdout).GetProperty("status").GetString());

            // A second attach finds the same shell (its variables) and its exit ends the attach with the shell's status.
            using var second = PtyProgram.Start(fixture, ctl.Namespace, "", "tasks", "attach", "term");
            await second.TypeAsync($"X=two-{marker}; echo \"$X\"\r");
            await second.WaitForAsync($"\ntwo-{marker}", Ct);
            await second.TypeAsync("exit 5\r");
            Assert.True(await second.ExitAsync(Ct) == 5, second.Output);
        }
        finally
        {
            await ctl.RunAsync("tasks", "kill", "term", "--signal", "KILL");
        }
    }

    public void Dispose() => _scratch.Dispose();
}
