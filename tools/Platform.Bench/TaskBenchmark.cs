using System.Diagnostics;
using System.Formats.Tar;
using System.Text.Json.Nodes;
using Platform.Client;
using Platform.Client.Oci;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Contracts.Tasks;
using Platform.Testing;

namespace Platform.Bench;

/// <summary>
/// The task runner over the real broker with real runc, platformd as its own process: StartTask sent → TaskStarted
/// received; CreateTask sent → TaskExited received for <c>/bin/true</c> in a busybox container, beside a bare
/// <c>runc run</c> of an equivalent bundle in the same run; and how many such containers 4 clients start and reap
/// per second. Containers and their rootfs snapshots are made before the clock starts: what is timed is the task.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class TaskBenchmark
{
    private const string Namespace = "bench-tasks";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = MetadataBenchmark.IntArg(args, "--task-runs", 200);
        var bus = MetadataBenchmark.BusArg(args);
        var dll = MetadataBenchmark.PlatformdArg(args);
        var runc = File.Exists("/usr/sbin/runc") ? "/usr/sbin/runc" : "/usr/bin/runc";

        await using var service = ServiceProcess.Start(dll, bus);
        await using var client = await PlatformClient.ConnectAsync(new PlatformClientOptions
        {
            BusUri = new Uri(bus), EndpointPrefix = service.Prefix, Namespace = Namespace, Timeout = TimeSpan.FromMinutes(5),
        });
        await MetadataBenchmark.WaitUntilServingAsync(client);
        var rootfs = await ImportBusyboxAsync(client, Path.Combine(service.DataRoot, "busybox"));
        Console.WriteLine($"# tasks: platformd pid {service.Pid}, data under {service.DataRoot}, {runs} runs of /bin/true per figure, runtime {runc}");

        var events = new TaskEvents(Namespace);
        await using var subscription = await client.Events.SubscribeAsync((e, _) => events.Seen(e));

        // Bare runc first and last would bracket drift; one block of it in the same run is the reference.
        var bare = await BareRuncAsync(runc, rootfs, runs, Path.Combine(service.DataRoot, "bare"));
        var barePercentiles = Measure.Percentiles("tasks.bare-runc-run.true", bare);
        // What a create/start API costs before any service is involved: runc create, then runc start, to the exit.
        Measure.Percentiles("tasks.bare-runc-create-start.true", await BareRuncAsync(runc, rootfs, runs, Path.Combine(service.DataRoot, "bare-split"), split: true));

        var start = new double[runs];
        var toExit = new double[runs];
        var toDeleted = new double[runs];
        await PrepareAsync(client, "s", runs);
        for (var i = 0; i < runs; i++)
        {
            var id = $"s-{i:D4}";
            var created = Stopwatch.GetTimestamp();
            await client.Tasks.CreateAsync(id);
            var sent = Stopwatch.GetTimestamp();
            await client.Tasks.StartAsync(id);
            var started = await events.Of<TaskStarted>(id);
            var exited = await events.Of<TaskExited>(id);
            var deleted = await events.Of<TaskDeleted>(id);
            start[i] = Stopwatch.GetElapsedTime(sent, started).TotalMilliseconds;
            toExit[i] = Stopwatch.GetElapsedTime(created, exited).TotalMilliseconds;
            toDeleted[i] = Stopwatch.GetElapsedTime(created, deleted).TotalMilliseconds;
        }
        Measure.Percentiles("tasks.start-task-to-task-started", start);
        var ours = Measure.Percentiles("tasks.create-task-to-task-exited.true", toExit);
        Measure.Percentiles("tasks.create-task-to-task-deleted.true", toDeleted);
        Console.WriteLine($"tasks.run-to-exit.ratio-to-bare-runc.p50: {ours / barePercentiles:0.00} x");

        await PrepareAsync(client, "c", runs);
        await Measure.RunAsync("tasks.run-and-reap.true.4-clients", runs, 4, async i =>
        {
            var id = $"c-{i:D4}";
            await client.Tasks.CreateAsync(id);
            await client.Tasks.StartAsync(id);
            await events.Of<TaskDeleted>(id);
        });
        Console.WriteLine($"tasks.platformd.peak-memory: {service.PeakMemoryMiB():0} MiB");
        return 0;
    }

    /// <summary>Writes a busybox root filesystem into <paramref name="folder"/> and imports it as committed snapshot <c>busybox</c>.</summary>
    internal static async Task<string> ImportBusyboxAsync(PlatformClient client, string folder)
    {
        var rootfs = BusyboxRootfs.Create(folder);
        using var archive = new MemoryStream();
        await TarFile.CreateFromDirectoryAsync(rootfs, archive, includeBaseDirectory: false);
        archive.Position = 0;
        await client.Snapshots.ImportAsync(archive, "busybox");
        return rootfs;
    }

    /// <summary>Containers <c>{prefix}-NNNN</c> running /bin/true on <paramref name="runtime"/>, each on its own active snapshot of busybox.</summary>
    internal static async Task PrepareAsync(PlatformClient client, string prefix, int count, string runtime = "runc")
    {
        var spec = DefaultSpec.Create(new DefaultSpecOptions { Args = ["/bin/true"] });
        var lease = await client.Leases.CreateAsync(new CreateLease());
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var id = $"{prefix}-{i:D4}";
            var prepared = await client.Snapshots.PrepareAsync(new PrepareSnapshot { Key = id, Parent = "busybox", LeaseId = lease.Id }, ct);
            await client.Containers.CreateAsync(new CreateContainer
            {
                Id = id, Runtime = new RuntimeInfo { Name = runtime }, Spec = spec,
                Snapshotter = prepared.Snapshot.Snapshotter, SnapshotKey = id,
            }, ct);
        });
        await client.Leases.DeleteAsync(lease.Id);
    }

    /// <summary>
    /// <c>runc run</c> of /bin/true on the same busybox folder with the same default spec, output discarded; with
    /// <paramref name="split"/>, <c>runc create</c> then <c>runc start</c> until the process's output closes (its exit).
    /// </summary>
    private static async Task<double[]> BareRuncAsync(string runc, string rootfs, int runs, string folder, bool split = false)
    {
        var bundle = Path.Combine(folder, "bundle");
        Directory.CreateDirectory(bundle);
        var spec = JsonNode.Parse(DefaultSpec.Create(new DefaultSpecOptions { Args = ["/bin/true"] }))!.AsObject();
        spec["root"] = new JsonObject { ["path"] = rootfs, ["readonly"] = false };
        spec["linux"]!["cgroupsPath"] = "/platform-bench/bare";
        await File.WriteAllTextAsync(Path.Combine(bundle, "config.json"), spec.ToJsonString());
        var root = Path.Combine(folder, "state");
        var latencies = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var id = $"bare-{i}";
            if (split)
            {
                using var create = Runc(runc, root, "create", "--bundle", bundle, id);
                var output = create.StandardOutput.ReadToEndAsync(); // the container holds it until it exits
                await create.WaitForExitAsync();
                using (var start = Runc(runc, root, "start", id))
                    await start.WaitForExitAsync();
                await output;
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                using var delete = Runc(runc, root, "delete", "--force", id);
                await delete.WaitForExitAsync();
                continue;
            }
            using var process = Runc(runc, root, "run", "--bundle", bundle, id);
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"runc run failed ({process.ExitCode}): {await stderr}");
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return latencies;
    }

    private static Process Runc(string runc, string root, params string[] args)
    {
        var info = new ProcessStartInfo(runc) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add("--root");
        info.ArgumentList.Add(root);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        process.StandardInput.Close();
        return process;
    }
}
