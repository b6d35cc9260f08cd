using System.Diagnostics;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;

namespace Platform.Bench;

/// <summary>
/// The metadata service over the real broker and the SQLite store: creates, gets, filtered lists, label
/// updates and deletes, sequentially and from 16 concurrent callers, plus the service's peak memory.
/// </summary>
public static class MetadataBenchmark
{
    public const string Namespace = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = IntArg(args, "--count", 5000);
        var concurrency = IntArg(args, "--concurrency", 16);
        var bus = BusArg(args);
        var dll = PlatformdArg(args);

        await using var service = ServiceProcess.Start(dll, bus);
        await using var client = await PlatformClient.ConnectAsync(new PlatformClientOptions
        {
            BusUri = new Uri(bus), EndpointPrefix = service.Prefix, Namespace = Namespace, Timeout = TimeSpan.FromSeconds(60),
        });
        await WaitUntilServingAsync(client);
        Console.WriteLine($"# metadata service: platformd pid {service.Pid}, SQLite under {service.DataRoot}, {count} operations per line, {concurrency} concurrent callers");

        await new MetadataWorkload(count, concurrency).RunAsync(new PlatformMetadata(client), print: true);
        Console.WriteLine($"metadata.service.peak-memory: {service.PeakMemoryMiB():0} MiB");
        return 0;
    }

    internal static async Task WaitUntilServingAsync(PlatformClient client)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await client.Containers.GetAsync("probe");
                return;
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                return;
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.Unavailable && deadline.Elapsed < TimeSpan.FromSeconds(90))
            {
            }
        }
    }

    internal static string FindPlatformd()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
                continue;
            foreach (var configuration in new[] { "Release", "Debug" })
            {
                var dll = Path.Combine(dir.FullName, "services", "Platform.Daemon", "bin", configuration, "net10.0", "platformd.dll");
                if (File.Exists(dll))
                    return dll;
            }
        }
        throw new FileNotFoundException("platformd.dll not found: build services/Platform.Daemon first, or pass --platformd PATH");
    }

    /// <summary>
    /// The command that runs the platformctl built beside <paramref name="platformd"/>
    /// (services/Platform.Daemon/bin/CONFIG/net10.0/platformd.dll): in Release, what ./platformctl published (which
    /// ./build.sh bench refreshes first): the native program, or the ReadyToRun one through dotnet, as its stamp says;
    /// else the plain build through dotnet.
    /// </summary>
    internal static string[] FindPlatformctl(string platformd)
    {
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(platformd))!);
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(platformd)!, "..", "..", "..", "..", ".."));
        var published = Path.Combine(root, "tools", "Platform.Cli", "bin", "publish");
        var stamp = Path.Combine(published, "platformctl.published");
        if (configuration == "Release" && File.Exists(stamp))
        {
            return File.ReadLines(stamp).FirstOrDefault() == "aot"
                ? [Path.Combine(published, "platformctl")]
                : ["dotnet", Path.Combine(published, "platformctl.dll")];
        }
        return ["dotnet", Path.Combine(root, "tools", "Platform.Cli", "bin", configuration, "net10.0", "platformctl.dll")];
    }

    /// <summary>A program given on the command line: a .dll runs through dotnet, anything else as it is.</summary>
    internal static string[] PlatformctlCommand(string program) =>
        program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ["dotnet", program] : [program];

    /// <summary><c>--bus</c>, else $PLATFORM_BUS, else the file $PLATFORM_BUS_FILE names, else guest on the local broker.</summary>
    internal static string BusArg(string[] args) =>
        StringArg(args, "--bus", Environment.GetEnvironmentVariable("PLATFORM_BUS") ?? Platform.Client.BusFile.Read("PLATFORM_BUS_FILE") ?? "amqp://guest:guest@127.0.0.1:5672/");

    /// <summary><c>--platformd</c>, else the platformd.dll built in this checkout (looked for only when not given).</summary>
    internal static string PlatformdArg(string[] args) => StringArg(args, "--platformd", "") is { Length: > 0 } dll ? dll : FindPlatformd();

    internal static int IntArg(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;

    internal static string StringArg(string[] args, string name, string fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
