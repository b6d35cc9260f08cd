using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text.Json;
using Platform.Testing;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>
/// platformctl as users run it: <c>./platformctl</c>, which publishes the CLI Native AOT where the machine can link it,
/// run as a process against a fixture's services. The in-process tests run the JIT-compiled CLI, where reflection
/// still works; these fail when the native program can't serialise something (a type without generated JSON code, a
/// generic instantiation the AOT compiler did not see) on the paths users take: wire messages, OCI documents, the
/// default spec, events, the management API.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_platformctl_runs_as_the_published_program(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Scratch _scratch = new();
    private readonly string _namespace = "aot-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Containers_are_created_listed_read_labelled_and_removed()
    {
        var program = await ProgramAsync();
        var spec = _scratch.Write("spec.json", """{"ociVersion":"1.1.0","process":{"args":["true"]}}"""u8.ToArray());

        await OkAsync(program, "containers", "create", "web", "--runtime", "io.containerd.runc.v2", "--spec", spec, "--label", "tier=front");
        var listed = Output.Json((await OkAsync(program, "-o", "json", "containers", "ls", "--filter", "labels.tier==front")).Stdout);
        Assert.Equal("web", Assert.Single(listed.EnumerateArray().ToList()).GetProperty("id").GetString());
        await OkAsync(program, "containers", "label", "web", "owner=alice");
        var got = Output.Json((await OkAsync(program, "-o", "json", "containers", "get", "web")).Stdout);
        Assert.Equal("alice", got.GetProperty("labels").GetProperty("owner").GetString());
        Assert.Equal("1.1.0", got.GetProperty("spec").GetProperty("ociVersion").GetString());
        Assert.Contains("web", (await OkAsync(program, "containers", "ls")).Stdout);

        await OkAsync(program, "containers", "rm", "web");
        var missing = await RunAsync(program, "containers", "get", "web");
        Assert.True(missing.ExitCode != 0, missing.ToString());
        Assert.Contains("NotFound", missing.Stderr);
    }

    [Fact]
    public async Task Networks_are_created_inspected_and_removed()
    {
        var program = await ProgramAsync();

        await OkAsync(program, "networks", "create", "appnet", "--label", "tier=front");
        var inspected = Assert.Single(Output.Json((await OkAsync(program, "networks", "inspect", "appnet")).Stdout).EnumerateArray().ToList());
        Assert.Equal("front", inspected.GetProperty("labels").GetProperty("tier").GetString());
        Assert.StartsWith("plat", inspected.GetProperty("bridge").GetString());
        Assert.Equal("appnet\n", (await OkAsync(program, "networks", "ls", "-q", "--filter", "label=tier=front")).Stdout);

        await OkAsync(program, "networks", "rm", "appnet");
        Assert.Equal("", (await OkAsync(program, "networks", "ls", "-q")).Stdout);
    }

    [Fact]
    public async Task Run_with_a_snapshot_builds_the_default_spec_and_passes_on_the_exit_status()
    {
        Requirements.Runtime();
        var program = await ProgramAsync();
        await BusyboxRootfs.ImportAsync(fixture.Client, _scratch.Folder("rootfs"), _namespace);

        var run = await RunAsync(program, "run", "--rm", "--snapshot", "busybox", "hello", "--", "sh", "-c", "echo hi; exit 3");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("hi\n", run.Stdout);
        Assert.DoesNotContain("hello", (await OkAsync(program, "containers", "ls")).Stdout);
    }

    [Fact]
    public async Task An_oci_archive_loads_and_its_manifest_and_config_are_read()
    {
        Requirements.Runtime();
        var program = await ProgramAsync();
        var archive = OciImages.Busybox().WriteTar(Path.Combine(_scratch.Root, "busybox.tar"));

        var loaded = await OkAsync(program, "images", "load", "--input", archive);

        Assert.Contains("Loaded image: busybox:1.36", loaded.Stdout);
        var listed = Output.Json((await OkAsync(program, "-o", "json", "images", "ls")).Stdout);
        Assert.Contains(listed.EnumerateArray(), i => i.GetProperty("name").GetString() == OciImages.DefaultName);
        var inspected = Output.Json((await OkAsync(program, "-o", "json", "images", "inspect", "busybox:1.36")).Stdout);
        Assert.Equal(OciImages.DefaultName, inspected.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, inspected.GetProperty("layers").ValueKind);
        Assert.Equal(JsonValueKind.Array, inspected.GetProperty("diffIds").ValueKind);
    }

    [Fact]
    public async Task Events_are_printed_as_json_lines_until_interrupted()
    {
        var program = await ProgramAsync();
        var spec = _scratch.Write("events-spec.json", """{"ociVersion":"1.1.0"}"""u8.ToArray());
        using var events = Start(program, "-o", "json", "events");
        try
        {
            await Eventually.TrueAsync(() => events.Stderr.Contains(Commands.Events.EventsCommand.Listening) || events.Process.HasExited, Ct,
                within: TimeSpan.FromSeconds(30), because: "events should subscribe");
            Assert.False(events.Process.HasExited, events.ToString());

            await OkAsync(program, "containers", "create", "watched", "--runtime", "runc", "--spec", spec, "--label", "tier=front");

            await Eventually.TrueAsync(() => events.Stdout.Contains("\"ContainerCreated\""), Ct, within: TimeSpan.FromSeconds(30),
                because: "the create should be printed");
            var line = Output.Json(events.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).First(l => l.Contains("\"ContainerCreated\"")));
            Assert.Equal(_namespace, line.GetProperty("namespace").GetString());
            Assert.Equal("watched", line.GetProperty("container").GetProperty("id").GetString());
            Assert.Equal("front", line.GetProperty("container").GetProperty("labels").GetProperty("tier").GetString());
        }
        finally
        {
            events.Interrupt();
        }
        Assert.True(await events.ExitAsync() == 0, events.ToString());
    }

    [Fact]
    public async Task Past_events_are_read_from_the_history_and_until_ends_the_run()
    {
        var program = await ProgramAsync();
        var spec = _scratch.Write("history-spec.json", """{"ociVersion":"1.1.0"}"""u8.ToArray());
        await OkAsync(program, "containers", "create", "earlier", "--runtime", "runc", "--spec", spec, "--label", "tier=back");
        var until = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        var json = await OkAsync(program, "-o", "json", "events", "--since", "1h", "--until", until);
        var table = await OkAsync(program, "events", "--since", "1h", "--until", until, "--filter", "type==ContainerCreated");

        var line = Output.Json(Assert.Single(json.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("ContainerCreated", line.GetProperty("type").GetString());
        Assert.Equal("back", line.GetProperty("container").GetProperty("labels").GetProperty("tier").GetString());
        Assert.EndsWith($" ContainerCreated {_namespace} earlier 1\n", table.Stdout);
    }

    [Fact]
    public async Task Broker_users_are_added_listed_and_removed_through_the_management_api()
    {
        var program = await ProgramAsync();
        var name = "aot-user-" + Guid.NewGuid().ToString("N")[..8];

        var added = Output.Json((await OkAsync(program, "-o", "json", "admin", "users", "add", name, "--namespace", _namespace)).Stdout);
        try
        {
            Assert.Equal(name, added.GetProperty("user").GetString());
            var listed = Output.Json((await OkAsync(program, "-o", "json", "admin", "users", "ls")).Stdout);
            Assert.Contains(listed.EnumerateArray(), u => u.GetProperty("name").GetString() == name);
            await OkAsync(program, "admin", "users", "grant", name, "--namespace", "other-" + _namespace, "--read-only");
        }
        finally
        {
            await OkAsync(program, "admin", "users", "rm", name);
        }
    }

    public void Dispose() => _scratch.Dispose();

    // ---- running the program

    private sealed record Program(string[] Command, Dictionary<string, string?> Environment);

    private sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
    }

    private static readonly SemaphoreSlim BuildGate = new(1, 1);
    private static string[]? _built;

    /// <summary>
    /// Has <c>./platformctl</c> publish the CLI once (Native AOT where this machine can link it, and then nothing else:
    /// a failed native build fails these tests rather than falling back) and returns the command that runs it.
    /// </summary>
    private async Task<Program> ProgramAsync()
    {
        Requirements.RabbitMq();
        var environment = new Dictionary<string, string?>
        {
            ["PLATFORM_BUS"] = Requirements.BusUri.ToString(),
            ["PLATFORM_BUS_FILE"] = null,
            ["PLATFORM_ENDPOINT_PREFIX"] = fixture.Prefix,
            ["PLATFORM_NAMESPACE"] = _namespace,
            ["PLATFORMCTL_BUILD"] = NativeAotPossible ? "aot" : null,
        };
        await BuildGate.WaitAsync(Ct);
        try
        {
            if (_built is null)
            {
                var wrapper = Path.Combine(RepoRoot, "platformctl");
                var print = await RunProcessAsync([wrapper], new(environment) { ["PLATFORMCTL_PRINT_PROGRAM"] = "1" }, TimeSpan.FromMinutes(20));
                Assert.True(print.ExitCode == 0, $"./platformctl could not publish the CLI: {print}");
                _built = print.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }
        finally
        {
            BuildGate.Release();
        }
        if (NativeAotPossible)
            Assert.True(_built is [var native] && !native.EndsWith(".dll"), $"expected the native program, got {string.Join(' ', _built)}");
        return new Program(_built, environment);
    }

    /// <summary>As the wrapper decides: linux-x64 or linux-arm64 with clang or gcc on PATH.</summary>
    private static bool NativeAotPossible =>
        RuntimeInformation.OSArchitecture is Architecture.X64 or Architecture.Arm64
        && (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => Directory.Exists(dir) && Directory.EnumerateFiles(dir).Select(Path.GetFileName)
                .Any(f => f is "clang" or "gcc" || (f!.StartsWith("clang-", StringComparison.Ordinal) && f[6..].All(char.IsAsciiDigit) && f.Length > 6)));

    private static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no Platform.sln above {AppContext.BaseDirectory}");
    }

    private static async Task<Result> OkAsync(Program program, params string[] args)
    {
        var result = await RunAsync(program, args);
        Assert.True(result.ExitCode == 0, $"platformctl {string.Join(' ', args)}: {result}");
        return result;
    }

    private static Task<Result> RunAsync(Program program, params string[] args) =>
        RunProcessAsync([.. program.Command, .. args], program.Environment, TimeSpan.FromMinutes(2));

    private static async Task<Result> RunProcessAsync(string[] command, Dictionary<string, string?> environment, TimeSpan timeout)
    {
        using var process = new Process { StartInfo = StartInfo(command, environment) };
        process.Start();
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo StartInfo(string[] command, Dictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in command[1..])
            info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
        {
            if (value is null)
                info.Environment.Remove(name);
            else
                info.Environment[name] = value;
        }
        return info;
    }

    private static Running Start(Program program, params string[] args) => new(StartInfo([.. program.Command, .. args], program.Environment));

    /// <summary>A run that goes on until interrupted, its output collected as it comes.</summary>
    private sealed class Running : IDisposable
    {
        private readonly SharedOutput _stdout = new();
        private readonly SharedOutput _stderr = new();

        public Running(ProcessStartInfo info)
        {
            Process = new Process { StartInfo = info };
            Process.OutputDataReceived += (_, e) => { if (e.Data is not null) _stdout.Writer.WriteLine(e.Data); };
            Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Writer.WriteLine(e.Data); };
            Process.Start();
            Process.StandardInput.Close();
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Stdout => _stdout.ToString();

        public string Stderr => _stderr.ToString();

        /// <summary>SIGINT, as Ctrl-C sends it.</summary>
        public void Interrupt()
        {
            if (!Process.HasExited)
                _ = Kill(Process.Id, 2);
        }

        public async Task<int> ExitAsync()
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(30));
            await Process.WaitForExitAsync(deadline.Token);
            Process.WaitForExit(); // the output events' last lines
            return Process.ExitCode;
        }

        public override string ToString() => $"--- stdout\n{Stdout}--- stderr\n{Stderr}";

        public void Dispose()
        {
            if (!Process.HasExited)
                Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);
    }
}
