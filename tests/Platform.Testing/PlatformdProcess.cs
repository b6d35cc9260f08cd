using System.Diagnostics;
using Platform.Client;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// platformd as a process of its own (the build's <c>platformd.dll</c>), on a data root and queue prefix of the test's,
/// so a test can SIGKILL it mid-traffic and start it again on the same state, as a crash and a restart would.
/// Its output goes to <c>platformd.log</c> beside the data root.
/// </summary>
public sealed class PlatformdProcess(string dataRoot, string prefix) : IAsyncDisposable
{
    private Process? _process;

    public string LogPath { get; } = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataRoot))!, Path.GetFileName(dataRoot) + "-platformd.log");

    /// <summary>The platformd.dll built beside these tests (same configuration); fails when it was not built.</summary>
    public static string Program
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
                dir = dir.Parent;
            Assert.True(dir is not null, "the repository root (Platform.sln) is not above the test's folder");
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var program = Path.Combine(dir.FullName, "services", "Platform.Daemon", "bin", configuration, "net10.0", "platformd.dll");
            Assert.True(File.Exists(program), $"{program} is not built: dotnet build Platform.sln -c {configuration}");
            return program;
        }
    }

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public void Start()
    {
        var info = new ProcessStartInfo("dotnet", [Program]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["PLATFORM_BUS"] = Requirements.BusUri.ToString();
        info.Environment["Bus__Uri"] = Requirements.BusUri.ToString();
        info.Environment["Bus__EndpointPrefix"] = prefix;
        info.Environment["Store__DataRoot"] = dataRoot;
        info.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        info.Environment.Remove("MONGODB_URI");
        _process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var log = new StreamWriter(LogPath, append: true) { AutoFlush = true };
        log.WriteLine($"--- platformd pid {_process.Id} started {DateTimeOffset.UtcNow:O}");
        _process.OutputDataReceived += (_, e) => Write(log, e.Data);
        _process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL, as a crash: no shutdown runs, nothing is acknowledged or flushed on the way out.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process)
            return;
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    /// <summary>Waits until the services answer through <paramref name="client"/> (their queues exist and are consumed).</summary>
    public async Task WaitReadyAsync(PlatformClient client, CancellationToken cancellationToken)
    {
        await Eventually.TrueAsync(async () =>
        {
            if (_process is { HasExited: true } exited)
                Assert.Fail($"platformd exited with {exited.ExitCode}; see {LogPath}");
            try
            {
                await client.Containers.ListAsync(@namespace: "ready-probe", cancellationToken: cancellationToken).AnyAsync(cancellationToken);
                return true;
            }
            catch (Common.Errors.PlatformException)
            {
                return false;
            }
        }, cancellationToken, TimeSpan.FromSeconds(60), $"platformd answers (its log: {LogPath})");
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
            return;
        lock (log)
            log.WriteLine(line);
    }
}
