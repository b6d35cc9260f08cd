using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Platform.Client;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;

namespace Platform.Bench;

/// <summary>
/// The resource GC service over the real broker, platformd as its own process: how long after a container is
/// deleted its snapshot's record and folder are gone (prompt collection), and how a full periodic pass grows
/// with the number of snapshot records, with the service's peak memory.
/// </summary>
public static class GcBenchmark
{
    private const string Namespace = "bench-gc";
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/sh"],"cwd":"/"},"root":{"path":"rootfs"}}""";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = MetadataBenchmark.IntArg(args, "--gc-count", 1000);
        var sizes = MetadataBenchmark.StringArg(args, "--gc-pass-sizes", "10000,100000")
            .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var bus = MetadataBenchmark.BusArg(args);
        var dll = MetadataBenchmark.PlatformdArg(args);

        await DeletionLatencyAsync(dll, bus, count);
        var passes = new List<(int Records, double Seconds)>();
        foreach (var size in sizes)
            passes.Add((size, await FullPassAsync(dll, bus, size)));
        if (passes.Count >= 2)
        {
            var (small, large) = (passes[0], passes[^1]);
            Console.WriteLine($"gc.pass.growth.{large.Records}/{small.Records}: {large.Seconds / small.Seconds:0.0} x (records grew {(double)large.Records / small.Records:0.#} x)");
        }
        return 0;
    }

    /// <summary>
    /// N containers, each alone on its own active snapshot (prepared under a lease that is then deleted, as a client
    /// would), deleted one at a time while subscribed to events.
    /// </summary>
    private static async Task DeletionLatencyAsync(string dll, string bus, int count)
    {
        // No periodic pass during the run: what is measured is the prompt collection a deletion triggers.
        await using var service = ServiceProcess.Start(dll, bus, new Dictionary<string, string> { ["ResourceGc__PassInterval"] = "01:00:00" });
        await using var client = await ConnectAsync(bus, service);
        Console.WriteLine($"# resource GC: platformd pid {service.Pid}, data under {service.DataRoot}, {count} deletions, one at a time");

        var removed = new ConcurrentDictionary<string, TaskCompletionSource<long>>();
        var deletedEvent = new ConcurrentDictionary<string, long>();
        for (var i = 0; i < count; i++)
            removed[Key(i)] = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await client.Events.SubscribeAsync((e, _) =>
        {
            var now = Stopwatch.GetTimestamp();
            if (e is SnapshotRemoved r && r.Namespace == Namespace && removed.TryGetValue(r.Key, out var done))
                done.TrySetResult(now);
            else if (e is ContainerDeleted d && d.Namespace == Namespace)
                deletedEvent[d.Id] = now;
            return Task.CompletedTask;
        });

        var lease = await client.Leases.CreateAsync(new CreateLease());
        string? snapshotter = null;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var prepared = await client.Snapshots.PrepareAsync(new PrepareSnapshot { Key = Key(i), LeaseId = lease.Id }, ct);
            snapshotter ??= prepared.Snapshot.Snapshotter;
            await client.Containers.CreateAsync(new CreateContainer
            {
                Id = Container(i), Runtime = new RuntimeInfo { Name = "io.containerd.runc.v2" }, Spec = Spec,
                Snapshotter = prepared.Snapshot.Snapshotter, SnapshotKey = Key(i),
            }, ct);
        });
        await client.Leases.DeleteAsync(lease.Id);
        var folders = await FoldersAsync(service.DataRoot, snapshotter!);

        var toRemoved = new double[count];
        var eventToRemoved = new List<double>(count);
        var toFolderGone = new double[count];
        for (var i = 0; i < count; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            await client.Containers.DeleteAsync(Container(i));
            var at = await removed[Key(i)].Task.WaitAsync(TimeSpan.FromSeconds(60));
            toRemoved[i] = Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds;
            if (deletedEvent.TryGetValue(Container(i), out var deletedAt))
                eventToRemoved.Add(Stopwatch.GetElapsedTime(deletedAt, at).TotalMilliseconds);
            // The folder goes right after the record, in the same consumer; the event may overtake it.
            var folder = folders[Key(i)];
            while (Directory.Exists(folder))
                await Task.Delay(1);
            toFolderGone[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
        }

        Measure.Percentiles("gc.delete-to-snapshot-removed", toRemoved);
        Measure.Percentiles("gc.container-deleted-event-to-snapshot-removed", [.. eventToRemoved]);
        Measure.Percentiles("gc.delete-to-folder-gone", toFolderGone);
        // A deletion whose event waited for the outbox relay's next poll (1 s) rather than its wake-up shows here.
        Console.WriteLine($"# {toRemoved.Count(ms => ms > 500)} of {count} deletions took over 500 ms to SnapshotRemoved");
    }

    /// <summary>A full pass over <paramref name="records"/> snapshot records written straight into the store before platformd starts.</summary>
    private static async Task<double> FullPassAsync(string dll, string bus, int records)
    {
        var dataRoot = ServiceProcess.NewDataRoot();
        var seeding = Stopwatch.StartNew();
        var seed = await PassSeed.WriteAsync(dataRoot, records);
        Console.WriteLine($"# pass over {records} records: {seed.Referenced} referenced by containers (references an hour old, so the pass asks " +
                          $"whether each owner still exists), {seed.Leased} held by a lease, {seed.Garbage} garbage, 1 root; " +
                          $"each with an empty {seed.Snapshotter} folder; written in {seeding.Elapsed.TotalSeconds:0.0} s");

        await using var service = ServiceProcess.Start(dll, bus, new Dictionary<string, string>
        {
            ["ResourceGc__PassInterval"] = "01:00:00",
            ["ResourceGc__DefaultSnapshotter"] = seed.Snapshotter,
        }, dataRoot);
        await using var client = await ConnectAsync(bus, service);
        var pass = Stopwatch.StartNew();
        var result = await client.Gc.CollectAsync();
        pass.Stop();
        if (result.Removed.Count != seed.Garbage)
            throw new InvalidOperationException($"the pass removed {result.Removed.Count} snapshots, expected the {seed.Garbage} garbage ones");
        Console.WriteLine($"gc.pass.{records}.seconds: {pass.Elapsed.TotalSeconds:0.00} s");
        Console.WriteLine($"gc.pass.{records}.peak-memory: {service.PeakMemoryMiB():0} MiB");
        return pass.Elapsed.TotalSeconds;
    }

    private static async Task<PlatformClient> ConnectAsync(string bus, ServiceProcess service)
    {
        var client = await PlatformClient.ConnectAsync(new PlatformClientOptions
        {
            BusUri = new Uri(bus), EndpointPrefix = service.Prefix, Namespace = Namespace, Timeout = TimeSpan.FromMinutes(30),
        });
        await MetadataBenchmark.WaitUntilServingAsync(client);
        return client;
    }

    /// <summary>Each snapshot's folder, from the service's store (read-only, beside the running service).</summary>
    private static async Task<Dictionary<string, string>> FoldersAsync(string dataRoot, string snapshotter)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataRoot, "resources.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, dir_id FROM snapshots WHERE namespace = $ns AND snapshotter = $sn;";
        command.Parameters.AddWithValue("$ns", Namespace);
        command.Parameters.AddWithValue("$sn", snapshotter);
        var folders = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            folders[reader.GetString(0)] = Path.Combine(dataRoot, "snapshots", snapshotter, reader.GetInt64(1).ToString(CultureInfo.InvariantCulture));
        return folders;
    }

    private static string Key(int i) => $"rootfs-{i:D6}";

    private static string Container(int i) => $"gc-{i:D6}";
}
