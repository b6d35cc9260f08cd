using System.Diagnostics;

namespace Platform.Bench;

/// <summary>What an external command did: its exit code, output, and how long it ran (whole process, start to exit).</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public bool Ok => ExitCode == 0;

    /// <summary>The first line of stderr (else stdout), for a one-line report.</summary>
    public string FirstLine
    {
        get
        {
            var text = Stderr.Trim().Length > 0 ? Stderr : Stdout;
            var line = text.Trim().Split('\n', 2)[0].Trim();
            return line.Length > 200 ? line[..200] + "…" : line;
        }
    }
}

/// <summary>Runs the reference tools (ctr, skopeo, rabbitmqctl, apt-get) and platformctl as whole processes.</summary>
public static class Commands
{
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> arguments, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new CommandResult(-1, await stdout, $"timed out after {timeout}: " + await stderr, Stopwatch.GetElapsedTime(started));
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new CommandResult(process.ExitCode, await stdout, await stderr, elapsed);
    }

    public static Task<CommandResult> RunAsync(string file, params string[] arguments) => RunAsync(file, arguments, null);

    /// <summary>
    /// The path of <paramref name="binary"/>, installing Debian package <paramref name="package"/> with apt-get when it is missing
    /// (as root only); null when it is neither there nor installable, with the reason in <paramref name="why"/>.
    /// </summary>
    public static async Task<(string? Path, string? Why)> EnsureAsync(string binary, string package)
    {
        var found = Which(binary);
        if (found is not null)
            return (found, null);
        if (Environment.UserName != "root")
            return (null, $"{binary} is not installed and installing {package} needs root (apt-get install -y {package})");
        Console.WriteLine($"# {binary} is missing: apt-get install -y {package}");
        var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        var install = new[] { "install", "-y", "--no-install-recommends", package };
        var result = await RunAsync("apt-get", install, TimeSpan.FromMinutes(10), environment);
        if (!result.Ok)
        {
            // A stale package list is the usual cause: refresh it once and try again.
            await RunAsync("apt-get", ["update"], TimeSpan.FromMinutes(10), environment);
            result = await RunAsync("apt-get", install, TimeSpan.FromMinutes(10), environment);
        }
        found = Which(binary);
        return found is not null ? (found, null) : (null, $"{binary} is not installed and apt-get install {package} failed: {result.FirstLine}");
    }

    /// <summary>The full path of a program on PATH (or in the sbin folders), or null.</summary>
    public static string? Which(string binary)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/local/sbin:/usr/sbin:/sbin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, binary))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Sends SIGTERM (Process.Kill only sends SIGKILL), then SIGKILL after <paramref name="grace"/>.</summary>
    public static async Task StopAsync(Process process, TimeSpan grace)
    {
        if (process.HasExited)
            return;
        await RunAsync("kill", ["-TERM", process.Id.ToString()], TimeSpan.FromSeconds(5));
        using var deadline = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
