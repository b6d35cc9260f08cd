using System.Diagnostics;
using Platform.Client;

namespace Platform.Bench;

/// <summary>
/// The metadata operations of <see cref="MetadataBenchmark"/> against platformd (over the broker, SQLite store) and
/// containerd (over its gRPC API, bolt store), each in namespace <c>bench</c> of a fresh service, rounds alternating.
/// </summary>
public static class MetadataSideBySide
{
    private const int WarmUp = 100;

    public static async Task RunAsync(SideBySideOptions options, string folder)
    {
        await using var service = ServiceProcess.Start(options.Platformd, options.Bus);
        await using var client = await PlatformClient.ConnectAsync(new PlatformClientOptions
        {
            BusUri = new Uri(options.Bus), EndpointPrefix = service.Prefix, Namespace = MetadataBenchmark.Namespace, Timeout = TimeSpan.FromSeconds(60),
        });
        await MetadataBenchmark.WaitUntilServingAsync(client);
        var (containerd, why) = await Containerd.StartAsync(folder);
        if (containerd is null)
            throw new InvalidOperationException($"containerd did not start: {why}");
        await using (containerd)
        {
            using var api = new ContainerdApi(containerd.Socket, MetadataBenchmark.Namespace);
            Console.WriteLine($"# metadata: platformd pid {service.Pid} (SQLite under {service.DataRoot}); containerd {await api.VersionAsync()} pid {containerd.Pid} " +
                $"(root under {containerd.Root}), over gRPC; {options.Count} operations per line, {options.Concurrency} concurrent callers, " +
                $"list = p50 of {MetadataWorkload.Lists} lists; a pass of {WarmUp} per line on each side first, not counted");
            IContainerMetadata[] targets = [new PlatformMetadata(client), new ContainerdMetadata(api)];
            string[] sides = [SideBySideFigures.Platform, "containerd"];
            foreach (var target in targets)
                await new MetadataWorkload(WarmUp, options.Concurrency).RunAsync(target, print: false);

            var workload = new MetadataWorkload(options.Count, options.Concurrency);
            var figures = new SideBySideFigures();
            for (var round = 0; round < options.Rounds; round++)
            {
                var took = new List<string>();
                for (var side = 0; side < targets.Length; side++)
                {
                    var started = Stopwatch.GetTimestamp();
                    foreach (var result in await workload.RunAsync(targets[side], print: false))
                        Add(figures, result, sides[side]);
                    took.Add($"{sides[side]} {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s");
                }
                Console.WriteLine($"# metadata round {round + 1} of {options.Rounds}: {string.Join(", ", took)}");
            }
            figures.Print("rounds");

            var ours = service.PeakMemoryMiB();
            var theirs = containerd.PeakMemoryMiB();
            Console.WriteLine($"metadata.peak-memory.platform: {ours:0} MiB (VmHWM of platformd, every service in one process, since it started)");
            Console.WriteLine($"metadata.peak-memory.containerd: {theirs:0} MiB (VmHWM of containerd since it started)");
            Console.WriteLine($"metadata.peak-memory.ratio-to-containerd: {ours / theirs:0.00} x (MiB, Platform ÷ containerd; the issue's goal is 1.5 or less)");
        }
    }

    /// <summary>A line's rate, or for the list its p50; sequential lines also give their p50 as a figure of its own.</summary>
    private static void Add(SideBySideFigures figures, Measure.Result result, string side)
    {
        if (result.Name.Contains(".list.", StringComparison.Ordinal))
        {
            figures.Add(result.Name + ".p50", side, result.P50, "ms");
            return;
        }
        figures.Add(result.Name, side, result.PerSecond, "ops/s");
        if (result.Name.EndsWith(".sequential", StringComparison.Ordinal))
            figures.Add(result.Name + ".p50", side, result.P50, "ms");
    }
}
