using System.Diagnostics;

namespace Platform.Bench;

/// <summary>
/// <c>--vs containerd</c>: Platform and containerd 1.6 (installed from Debian when missing, started with a private config)
/// on this machine in one run, rounds alternating, medians printed side by side with their ratio. The parts: the
/// metadata operations (containerd over its gRPC API), tasks (beside <c>ctr run --rm</c>, bare runc and crun), and the
/// CLI (platformctl beside ctr, whole process). <c>--only metadata|tasks|cli</c> runs one part.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class SideBySideBenchmark
{
    public static readonly string[] Parts = ["metadata", "tasks", "cli"];

    public static async Task<int> RunAsync(string[] args, string only)
    {
        var options = SideBySideOptions.From(args);
        var (containerd, why) = await Commands.EnsureAsync("containerd", "containerd");
        if (containerd is null)
        {
            Console.WriteLine($"vs.containerd: not measured ({why})");
            return 1;
        }
        await PrintHeaderAsync(options, containerd);
        var work = Directory.CreateTempSubdirectory("platform-bench-vs-").FullName;
        try
        {
            var failed = false;
            if (only is "all" or "metadata")
                failed |= !await PartAsync("metadata", () => MetadataSideBySide.RunAsync(options, Path.Combine(work, "metadata")));
            if (only is "all" or "tasks")
                failed |= !await PartAsync("tasks", () => TaskSideBySide.RunAsync(options, Path.Combine(work, "tasks")));
            if (only is "all" or "cli")
                failed |= !await PartAsync("cli", () => CliSideBySide.RunAsync(options, Path.Combine(work, "cli")));
            return failed ? 1 : 0;
        }
        finally
        {
            Mounts.UnmountUnder(work);
            Mounts.DeleteFolder(work);
        }
    }

    private static async Task PrintHeaderAsync(SideBySideOptions options, string containerd)
    {
        var load = File.ReadAllText("/proc/loadavg").Split(' ');
        var platformd = FileVersionInfo.GetVersionInfo(options.Platformd).ProductVersion ?? "unknown";
        var version = await Commands.RunAsync(containerd, "--version");
        Console.WriteLine($"# side by side with containerd, {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss zzz}: load average {load[0]} {load[1]} {load[2]} (1, 5, 15 min), {Environment.ProcessorCount} CPUs");
        Console.WriteLine($"# platformd {platformd} ({options.Platformd}), .NET {Environment.Version}; {version.Stdout.Trim()}");
        Console.WriteLine($"# {options.Rounds} rounds per figure, Platform then containerd in each, medians; broker {new Uri(options.Bus).Host}, virtual host {new Uri(options.Bus).AbsolutePath}");
    }

    /// <summary>Runs one part; a failure is printed as that part's line (what it printed before stays) and the next part runs.</summary>
    private static async Task<bool> PartAsync(string name, Func<Task> part)
    {
        try
        {
            await part();
            return true;
        }
        catch (Exception e)
        {
            Console.WriteLine($"vs.{name}: FAILED ({e.GetType().Name}: {e.Message})");
            Console.Error.WriteLine(e);
            return false;
        }
    }
}

/// <param name="Rounds"><c>--rounds</c>: alternating rounds per figure (default 3).</param>
/// <param name="Count"><c>--count</c>: operations per metadata line (default 5,000, as the metadata bench).</param>
/// <param name="Concurrency"><c>--concurrency</c>: concurrent callers of the metadata lines (default 16).</param>
/// <param name="TaskRuns"><c>--vs-task-runs</c>: containers run per side per round in the task part (default 30).</param>
/// <param name="CliRuns"><c>--cli-runs</c>: alternating runs per command in the CLI part (default 20).</param>
/// <param name="Cli"><c>--cli</c>: how to start platformctl, split on spaces (default <c>dotnet PATH/platformctl.dll</c>).</param>
public sealed record SideBySideOptions(int Rounds, int Count, int Concurrency, int TaskRuns, int CliRuns, string Bus, string Platformd, string[] Cli)
{
    public static SideBySideOptions From(string[] args)
    {
        var platformd = MetadataBenchmark.PlatformdArg(args);
        return new SideBySideOptions(
            Rounds: MetadataBenchmark.IntArg(args, "--rounds", 3),
            Count: MetadataBenchmark.IntArg(args, "--count", 5000),
            Concurrency: MetadataBenchmark.IntArg(args, "--concurrency", 16),
            TaskRuns: MetadataBenchmark.IntArg(args, "--vs-task-runs", 30),
            CliRuns: MetadataBenchmark.IntArg(args, "--cli-runs", 20),
            Bus: MetadataBenchmark.BusArg(args),
            Platformd: platformd,
            Cli: MetadataBenchmark.StringArg(args, "--cli", "") is { Length: > 0 } cli
                ? cli.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                : MetadataBenchmark.FindPlatformctl(platformd));
    }
}
