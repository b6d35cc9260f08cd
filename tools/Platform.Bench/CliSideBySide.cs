using System.Runtime.Versioning;
using Platform.Client;

namespace Platform.Bench;

/// <summary>
/// platformctl beside ctr, whole process, runs alternating: <c>containers ls</c> (of 100 containers), <c>containers get ID</c>
/// against <c>ctr containers info ID</c>, and <c>run --rm busybox true</c> on an image loaded and unpacked on both sides.
/// platformctl has no queue-prefix option, so platformd runs here with none: the bus should be a virtual host of its own.
/// </summary>
[SupportedOSPlatform("linux")]
public static class CliSideBySide
{
    private const int Seeded = 100;
    private const string Id = "cli-000000";

    /// <summary>Per process: containerd names the containers' cgroups after it.</summary>
    private static readonly string Namespace = $"bench-cli-{Environment.ProcessId}";

    public static async Task RunAsync(SideBySideOptions options, string folder)
    {
        await using var service = ServiceProcess.Start(options.Platformd, options.Bus, prefix: "");
        await using var client = await PlatformClient.ConnectAsync(new PlatformClientOptions
        {
            BusUri = new Uri(options.Bus), EndpointPrefix = service.Prefix, Namespace = Namespace, Timeout = TimeSpan.FromMinutes(5),
        });
        await MetadataBenchmark.WaitUntilServingAsync(client);
        var (containerd, why) = await Containerd.StartAsync(Path.Combine(folder, "containerd"));
        if (containerd is null)
            throw new InvalidOperationException($"containerd did not start: {why}");
        await using (containerd)
        {
            using var api = new ContainerdApi(containerd.Socket, Namespace);
            foreach (var target in new IContainerMetadata[] { new PlatformMetadata(client), new ContainerdMetadata(api) })
                for (var i = 0; i < Seeded; i++)
                    await target.CreateAsync($"cli-{i:D6}", i);
            var busybox = await BenchImage.WriteAsync(Path.Combine(folder, "busybox"), ImagesBenchmark.BusyboxName, 0, 0);
            await new PlatformImages(client, service).LoadAsync(busybox, Namespace, unpack: true);
            var import = await containerd.CtrAsync(Namespace, "images", "import", busybox.Archive);
            if (!import.Ok)
                throw new InvalidOperationException($"ctr images import {busybox.Archive}: {import.FirstLine}");
            Console.WriteLine($"# cli: platformctl as `{string.Join(' ', options.Cli)}`, platformd pid {service.Pid} with no queue prefix on {new Uri(options.Bus).AbsolutePath}; " +
                $"ctr of containerd pid {containerd.Pid}; namespace {Namespace} with {Seeded} containers and {busybox.Name} unpacked on each side; " +
                $"one run of each command first (not counted), then {options.CliRuns} alternating, whole process");

            string[] bus = ["--bus", options.Bus, "--namespace", Namespace];
            var commands = new (string Name, string[] Ours, Func<string, string[]> Theirs)[]
            {
                ("cli.containers-ls", [.. bus, "containers", "ls"], _ => ["containers", "ls"]),
                ("cli.containers-get", [.. bus, "containers", "get", Id], _ => ["containers", "info", Id]),
                ("cli.run-rm.true", [.. bus, "run", "--rm", "busybox:latest", "true"], i => ["run", "--rm", busybox.Name, $"cli-run-{i}", "true"]),
            };
            var figures = new SideBySideFigures();
            var notMeasured = new List<(string Name, string Why)>();
            foreach (var (name, ours, theirs) in commands)
            {
                var oursWhy = (await Platformctl(options, ours)) is { Ok: false } o ? $"platformctl exited {o.ExitCode}: {o.FirstLine}" : null;
                var theirsWhy = (await containerd.CtrAsync(Namespace, theirs("probe"))) is { Ok: false } t ? $"ctr exited {t.ExitCode}: {t.FirstLine}" : null;
                for (var i = 0; i < options.CliRuns; i++)
                {
                    if (oursWhy is null)
                        figures.Add(name, SideBySideFigures.Platform, Checked(await Platformctl(options, ours), "platformctl").TotalMilliseconds, "ms");
                    if (theirsWhy is null)
                        figures.Add(name, "ctr", Checked(await containerd.CtrAsync(Namespace, theirs(i.ToString())), "ctr").TotalMilliseconds, "ms");
                }
                if (oursWhy is not null)
                    notMeasured.Add(($"{name}.{SideBySideFigures.Platform}", oursWhy));
                if (theirsWhy is not null)
                    notMeasured.Add(($"{name}.ctr", theirsWhy));
            }
            figures.Print("runs");
            foreach (var (name, reason) in notMeasured)
                FigureLines.NotMeasured(name, reason);
        }
    }

    private static Task<CommandResult> Platformctl(SideBySideOptions options, string[] args) =>
        Commands.RunAsync(options.Cli[0], [.. options.Cli.Skip(1), .. args], TimeSpan.FromMinutes(2));

    private static TimeSpan Checked(CommandResult result, string what) =>
        result.Ok ? result.Elapsed : throw new InvalidOperationException($"{what} exited {result.ExitCode}: {result.FirstLine}");
}
