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
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/sh"],"cwd":"/"},"root":{"path":"rootfs"}}""";
    private const string Namespace = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = IntArg(args, "--count", 5000);
        var concurrency = IntArg(args, "--concurrency", 16);
        var bus = StringArg(args, "--bus", Environment.GetEnvironmentVariable("PLATFORM_BUS") ?? Platform.Client.BusFile.Read("PLATFORM_BUS_FILE") ?? "amqp://guest:guest@127.0.0.1:5672/");
        var dll = StringArg(args, "--platformd", FindPlatformd());

        await using var service = ServiceProcess.Start(dll, bus);
        await using var client = await PlatformClient.ConnectAsync(new PlatformClientOptions
        {
            BusUri = new Uri(bus), EndpointPrefix = service.Prefix, Namespace = Namespace, Timeout = TimeSpan.FromSeconds(60),
        });
        await WaitUntilServingAsync(client);
        Console.WriteLine($"# metadata service: platformd pid {service.Pid}, SQLite under {service.DataRoot}, {count} operations per line, {concurrency} concurrent callers");

        var sequential = new string[count];
        var concurrent = new string[count];
        for (var i = 0; i < count; i++)
        {
            sequential[i] = $"s-{i:D6}";
            concurrent[i] = $"c-{i:D6}";
        }

        await Measure.RunAsync("containers.create.sequential", count, 1, i => Create(client, sequential[i], i));
        await Measure.RunAsync($"containers.create.concurrent{concurrency}", count, concurrency, i => Create(client, concurrent[i], i));
        await Measure.RunAsync("containers.get.sequential", count, 1, i => client.Containers.GetAsync(sequential[i]));
        await Measure.RunAsync($"containers.get.concurrent{concurrency}", count, concurrency, i => client.Containers.GetAsync(concurrent[i]));

        var total = 2 * count;
        var listed = 0;
        var lists = await Measure.RunAsync($"containers.list.label-filter.{total / 2}of{total}", 20, 1, async _ =>
        {
            var n = 0;
            await foreach (var container in client.Containers.ListAsync(["labels.parity==even"]))
                n++;
            listed = n;
        });
        if (listed != total / 2)
            throw new InvalidOperationException($"the filtered list returned {listed} containers, expected {total / 2}");

        await Measure.RunAsync("containers.label.sequential", count, 1, i => Label(client, sequential[i], i));
        await Measure.RunAsync($"containers.label.concurrent{concurrency}", count, concurrency, i => Label(client, concurrent[i], i));
        await Measure.RunAsync("containers.delete.sequential", count, 1, i => client.Containers.DeleteAsync(sequential[i]));
        await Measure.RunAsync($"containers.delete.concurrent{concurrency}", count, concurrency, i => client.Containers.DeleteAsync(concurrent[i]));

        Console.WriteLine($"metadata.service.peak-memory: {service.PeakMemoryMiB():0} MiB");
        return 0;
    }

    private static Task Create(PlatformClient client, string id, int i) => client.Containers.CreateAsync(new CreateContainer
    {
        Id = id,
        Runtime = new RuntimeInfo { Name = "io.containerd.runc.v2" },
        Spec = Spec,
        Image = "docker.io/library/busybox:latest",
        Labels = new Dictionary<string, string> { ["parity"] = i % 2 == 0 ? "even" : "odd", ["bench"] = "true" },
    });

    private static Task Label(PlatformClient client, string id, int i) =>
        client.Containers.SetLabelsAsync(id, new Dictionary<string, string?> { ["touched"] = i.ToString() });

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

    internal static int IntArg(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;

    internal static string StringArg(string[] args, string name, string fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
