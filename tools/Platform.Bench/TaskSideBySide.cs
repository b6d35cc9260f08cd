using System.Diagnostics;
using System.Runtime.Versioning;
using Platform.Client;
using Platform.Contracts.Tasks;

namespace Platform.Bench;

/// <summary>
/// Containers that run /bin/true: Platform's task runner (platformd as its own process, real runc) beside
/// <c>ctr run --rm --rootfs</c> on the same busybox folder and bare runc (and crun, when installed) of a bundle on it;
/// run one at a time (p50) and from 4 concurrent callers until reaped (per second), rounds alternating.
/// </summary>
[SupportedOSPlatform("linux")]
public static class TaskSideBySide
{
    private const string Namespace = "bench-tasks-vs";
    private const int Callers = 4;

    /// <summary>Per process: containerd names the containers' cgroups after it.</summary>
    private static readonly string CtrNamespace = $"bench-tasks-{Environment.ProcessId}";

    public static async Task RunAsync(SideBySideOptions options, string folder)
    {
        await using var service = ServiceProcess.Start(options.Platformd, options.Bus);
        await using var client = await PlatformClient.ConnectAsync(new PlatformClientOptions
        {
            BusUri = new Uri(options.Bus), EndpointPrefix = service.Prefix, Namespace = Namespace, Timeout = TimeSpan.FromMinutes(5),
        });
        await MetadataBenchmark.WaitUntilServingAsync(client);
        var rootfs = await TaskBenchmark.ImportBusyboxAsync(client, Path.Combine(folder, "busybox"));
        var events = new TaskEvents(Namespace);
        await using var subscription = await client.Events.SubscribeAsync((e, _) => events.Seen(e));
        var (containerd, why) = await Containerd.StartAsync(Path.Combine(folder, "containerd"));
        if (containerd is null)
            throw new InvalidOperationException($"containerd did not start: {why}");
        await using (containerd)
        {
            var runtimes = await BareRuntimesAsync(rootfs, folder);
            try
            {
                Console.WriteLine($"# tasks: platformd pid {service.Pid} (data under {service.DataRoot}), containerd pid {containerd.Pid}, " +
                    $"{string.Join(", ", runtimes.Select(r => r.Name))} bare; {options.TaskRuns} containers per side per round, /bin/true in busybox ({rootfs})");
                Console.WriteLine("# tasks.run: one at a time. Platform: CreateTask sent → TaskDeleted received (containers and snapshots made before the clock); " +
                    "ctr: `ctr run --rm --rootfs BUSYBOX ID /bin/true`; runc/crun: `run --bundle`; the references whole process, which returns after their cleanup");
                Console.WriteLine($"# tasks.run-and-reap: {Callers} concurrent callers; Platform until TaskDeleted, the references as above");
                var figures = new SideBySideFigures();
                await RoundAsync(client, events, containerd, runtimes, rootfs, "warm-up", 2, null);
                for (var round = 0; round < options.Rounds; round++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await RoundAsync(client, events, containerd, runtimes, rootfs, $"r{round}", options.TaskRuns, figures);
                    Console.WriteLine($"# tasks round {round + 1} of {options.Rounds}: {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s");
                }
                figures.Print("rounds");
                Console.WriteLine($"tasks.peak-memory.platform: {service.PeakMemoryMiB():0} MiB (VmHWM of platformd since it started)");
                Console.WriteLine($"tasks.peak-memory.containerd: {containerd.PeakMemoryMiB():0} MiB (VmHWM of containerd since it started; its shims not counted)");
            }
            finally
            {
                foreach (var runtime in runtimes)
                    runtime.Dispose();
            }
        }
    }

    /// <summary>runc, and crun when it is installed or can be (apt-get); a missing crun is a printed line, never a figure.</summary>
    private static async Task<List<BareRuntime>> BareRuntimesAsync(string rootfs, string folder)
    {
        var runc = Commands.Which("runc") ?? throw new InvalidOperationException("runc is not installed");
        var runtimes = new List<BareRuntime> { await BareRuntime.CreateAsync("runc", runc, rootfs, Path.Combine(folder, "runc"), Callers) };
        var (crun, why) = await Commands.EnsureAsync("crun", "crun");
        if (crun is null)
        {
            Console.WriteLine($"tasks.crun: not measured ({why})");
            return runtimes;
        }
        var bare = await BareRuntime.CreateAsync("crun", crun, rootfs, Path.Combine(folder, "crun"), Callers);
        try
        {
            // crun 1.8 refuses hybrid cgroups with a controller left on the v2 hierarchy (build.sh moves such controllers to v1).
            await bare.RunAsync("probe");
            runtimes.Add(bare);
        }
        catch (InvalidOperationException e)
        {
            bare.Dispose();
            Console.WriteLine($"tasks.crun: not measured ({e.Message})");
        }
        return runtimes;
    }

    /// <summary>One round: each side runs <paramref name="runs"/> containers one at a time, then as many from 4 callers.</summary>
    private static async Task RoundAsync(PlatformClient client, TaskEvents events, Containerd containerd, List<BareRuntime> runtimes, string rootfs,
        string round, int runs, SideBySideFigures? figures)
    {
        await TaskBenchmark.PrepareAsync(client, $"{round}-s", runs);
        var toExit = new double[runs];
        var toDeleted = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var id = $"{round}-s-{i:D4}";
            var created = Stopwatch.GetTimestamp();
            await client.Tasks.CreateAsync(id);
            await client.Tasks.StartAsync(id);
            toExit[i] = Stopwatch.GetElapsedTime(created, await events.Of<TaskExited>(id)).TotalMilliseconds;
            toDeleted[i] = Stopwatch.GetElapsedTime(created, await events.Of<TaskDeleted>(id)).TotalMilliseconds;
        }
        figures?.Add("tasks.run.true.p50", SideBySideFigures.Platform, P50(toDeleted), "ms");
        var ctr = await RunEachAsync(runs, 1, i => Ctr(containerd, $"{round}-s-{i}", rootfs));
        figures?.Add("tasks.run.true.p50", "ctr", ctr.P50, "ms");
        foreach (var runtime in runtimes)
        {
            var run = await RunEachAsync(runs, 1, i => runtime.RunAsync($"{round}-s-{i}"));
            figures?.Add("tasks.run.true.p50", runtime.Name, run.P50, "ms");
        }
        figures?.Add("tasks.run-to-exit.true.p50", SideBySideFigures.Platform, P50(toExit), "ms");
        if (runtimes.FirstOrDefault(r => r.Name == "crun") is { } crun)
        {
            // Platform's containers on crun against crun run bare: issue 4's goal (within 1.5x the bare runtime), for crun.
            await TaskBenchmark.PrepareAsync(client, $"{round}-k", runs, "crun");
            var onCrun = new double[runs];
            for (var i = 0; i < runs; i++)
            {
                var id = $"{round}-k-{i:D4}";
                var created = Stopwatch.GetTimestamp();
                await client.Tasks.CreateAsync(id);
                await client.Tasks.StartAsync(id);
                onCrun[i] = Stopwatch.GetElapsedTime(created, await events.Of<TaskDeleted>(id)).TotalMilliseconds;
            }
            figures?.Add("tasks.run.true.on-crun.p50", SideBySideFigures.Platform, P50(onCrun), "ms");
            var bare = await RunEachAsync(runs, 1, i => crun.RunAsync($"{round}-k-{i}"));
            figures?.Add("tasks.run.true.on-crun.p50", "crun", bare.P50, "ms");
        }

        await TaskBenchmark.PrepareAsync(client, $"{round}-c", runs);
        var ours = await Measure.RunAsync("", runs, Callers, async i =>
        {
            var id = $"{round}-c-{i:D4}";
            await client.Tasks.CreateAsync(id);
            await client.Tasks.StartAsync(id);
            await events.Of<TaskDeleted>(id);
        }, print: false);
        figures?.Add($"tasks.run-and-reap.true.{Callers}-callers", SideBySideFigures.Platform, ours.PerSecond, "ops/s");
        var ctrReap = await RunEachAsync(runs, Callers, i => Ctr(containerd, $"{round}-c-{i}", rootfs));
        figures?.Add($"tasks.run-and-reap.true.{Callers}-callers", "ctr", ctrReap.PerSecond, "ops/s");
        foreach (var runtime in runtimes)
        {
            var reaped = await RunEachAsync(runs, Callers, i => runtime.RunAsync($"{round}-c-{i}"));
            figures?.Add($"tasks.run-and-reap.true.{Callers}-callers", runtime.Name, reaped.PerSecond, "ops/s");
        }
    }

    /// <summary>The runs' rate and whole-process p50 (as the processes measured them, not the scheduling around them).</summary>
    private static async Task<(double P50, double PerSecond)> RunEachAsync(int runs, int callers, Func<int, Task<TimeSpan>> run)
    {
        var elapsed = new double[runs];
        var result = await Measure.RunAsync("", runs, callers, async i => elapsed[i] = (await run(i)).TotalMilliseconds, print: false);
        return (P50(elapsed), result.PerSecond);
    }

    private static async Task<TimeSpan> Ctr(Containerd containerd, string id, string rootfs)
    {
        var result = await containerd.CtrAsync(CtrNamespace, "run", "--rm", "--rootfs", rootfs, id, "/bin/true");
        if (!result.Ok)
            throw new InvalidOperationException($"ctr run --rm --rootfs {rootfs} {id} /bin/true exited {result.ExitCode}: {result.FirstLine}");
        return result.Elapsed;
    }

    private static double P50(double[] values) => Measure.Percentile(values.Order().ToArray(), 0.50);
}
