using System.Diagnostics;
using System.Runtime.Versioning;
using Platform.Client;

namespace Platform.Bench;

/// <summary>
/// Images against their references in the same run, rounds alternating: loading a ~200 MB OCI archive (ImageLoader
/// through platformd, vs <c>ctr images import</c>), unpacking its 5 layers, pulling it from a registry on 127.0.0.1
/// (vs <c>skopeo copy</c> and <c>ctr images pull</c>), and <c>platformctl run --rm IMAGE true</c> vs
/// <c>ctr run --rm</c>; platformd's peak memory during each. A reference that is missing and cannot be installed is a
/// printed line, never a number.
/// </summary>
[SupportedOSPlatform("linux")]
public static class ImagesBenchmark
{
    public const string Namespace = "bench-images";
    /// <summary>Per process: containerd names the containers' cgroups after it.</summary>
    public static readonly string RunNamespace = $"bench-run-{Environment.ProcessId}";
    public const string ImageName = "docker.io/bench/app:1";
    public const string BusyboxName = "docker.io/library/busybox:latest";
    public const int RandomLayers = 4;

    public static async Task<int> RunAsync(string[] args)
    {
        var platformd = MetadataBenchmark.PlatformdArg(args);
        var options = new ImagesBenchmarkOptions(
            Rounds: MetadataBenchmark.IntArg(args, "--image-rounds", 3),
            ImageMegabytes: MetadataBenchmark.IntArg(args, "--image-mb", 200),
            RunRounds: MetadataBenchmark.IntArg(args, "--run-rounds", 10),
            Platformd: platformd,
            Platformctl: Array.IndexOf(args, "--platformctl") is var i and >= 0 && i + 1 < args.Length
                ? MetadataBenchmark.PlatformctlCommand(args[i + 1])
                : MetadataBenchmark.FindPlatformctl(platformd));
        var bus = MetadataBenchmark.BusArg(args);
        var work = Directory.CreateTempSubdirectory("platform-bench-images-").FullName;
        try
        {
            var (vhost, vhostWhy) = await BenchVhost.CreateAsync(bus);
            await using (vhost)
            {
                if (vhost is null)
                    Console.WriteLine($"# no virtual host of the benchmark's own ({vhostWhy}): platformd runs under a queue prefix, which platformctl cannot reach");
                await using var service = ServiceProcess.Start(options.Platformd, vhost?.BusUri ?? bus, prefix: vhost is null ? null : "");
                await using var client = await PlatformClient.ConnectAsync(new PlatformClientOptions
                {
                    BusUri = new Uri(vhost?.BusUri ?? bus), EndpointPrefix = service.Prefix, Namespace = Namespace, Timeout = TimeSpan.FromMinutes(10),
                });
                await MetadataBenchmark.WaitUntilServingAsync(client);

                var built = Stopwatch.StartNew();
                var image = await BenchImage.WriteAsync(Path.Combine(work, "app"), ImageName, RandomLayers, options.ImageMegabytes * 1_000_000L / RandomLayers);
                var busybox = await BenchImage.WriteAsync(Path.Combine(work, "busybox"), BusyboxName, 0, 0);
                Console.WriteLine($"# images: platformd pid {service.Pid} on {(vhost is null ? "queue prefix " + service.Prefix : "virtual host " + vhost.Name)}, data under {service.DataRoot}");
                Console.WriteLine($"# the image: {image.Layers} gzip layers (busybox, then {RandomLayers} of one file of random bytes each, so gzip does not shrink them), " +
                    $"{image.LayerBytes / 1e6:0.0} MB of layers; the OCI archive (uncompressed tar of the layout) {image.ArchiveBytes / 1e6:0.0} MB; built in {built.Elapsed.TotalSeconds:0.0} s");
                Console.WriteLine($"# {options.Rounds} rounds per figure, Platform and the reference alternating, medians; MB = 10^6 bytes; peak memory is VmHWM, reset before each operation");

                var (containerd, containerdWhy) = await Containerd.StartAsync(Path.Combine(work, "containerd"));
                await using (containerd)
                {
                    if (containerd is null)
                        Console.WriteLine($"# containerd: not available ({containerdWhy}); its figures are left out");
                    else
                        Console.WriteLine($"# containerd: {(await containerd.CtrAsync("default", "version")).Stdout.Split('\n').FirstOrDefault(l => l.Contains("Version"))?.Trim()} pid {containerd.Pid}, root under {containerd.Root}, overlayfs snapshotter (as platformd's)");
                    var figures = new ImageFigures(new PlatformImages(client, service), service, containerd, options);
                    var failed = !await SectionAsync("images.load", () => figures.LoadAndUnpackAsync(image, busybox));
                    failed |= !await SectionAsync("images.pull", () => figures.PullAsync(image, client, Path.Combine(work, "registry"), Path.Combine(work, "pulled")));
                    failed |= !await SectionAsync("images.run", () => figures.RunAsync(busybox, vhost));
                    figures.PrintGoals();
                    if (containerd is not null)
                        Console.WriteLine($"images.containerd.peak-memory: {containerd.PeakMemoryMiB():0} MiB (since it started, for reference)");
                    return failed ? 1 : 0;
                }
            }
        }
        finally
        {
            Mounts.UnmountUnder(work);
            Mounts.DeleteFolder(work);
        }
    }

    /// <summary>Runs one part; a failure is printed as that part's line (what it printed before stays) and the next part runs.</summary>
    private static async Task<bool> SectionAsync(string name, Func<Task> part)
    {
        try
        {
            await part();
            return true;
        }
        catch (Exception e)
        {
            Console.WriteLine($"{name}: FAILED ({e.GetType().Name}: {e.Message})");
            Console.Error.WriteLine(e);
            return false;
        }
    }
}

public sealed record ImagesBenchmarkOptions(int Rounds, int ImageMegabytes, int RunRounds, string Platformd, string[] Platformctl);
