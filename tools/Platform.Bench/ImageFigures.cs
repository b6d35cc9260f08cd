using System.Diagnostics;
using System.Runtime.Versioning;
using Platform.Client;
using static Platform.Bench.FigureLines;

namespace Platform.Bench;

/// <summary>
/// The figures of the image benchmark, each Platform's beside its reference's, measured in alternating rounds with the
/// image removed (and its content and snapshots collected, checked) between rounds on both sides.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ImageFigures(PlatformImages platform, ServiceProcess service, Containerd? containerd, ImagesBenchmarkOptions options)
{
    private const string Ns = ImagesBenchmark.Namespace;
    private const double MemoryGoalMiB = 300e6 / (1024 * 1024);

    private readonly Dictionary<string, double> _peaks = [];
    private readonly Dictionary<string, double> _before = [];
    private double? _loadRate, _ctrLoadRate, _pullRate, _skopeoRate;
    private bool _peakReset = true;

    /// <summary>Load with and without unpack, and the unpack of the loaded image, on both sides.</summary>
    public async Task LoadAndUnpackAsync(BenchImage image, BenchImage warmUp)
    {
        await WarmUpAsync(warmUp);
        var (load, loadNoUnpack, unpack) = (new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>());
        var (ctrLoad, ctrLoadNoUnpack, ctrMount) = (new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>());
        if (await platform.LeftAsync(Ns) is { Length: > 0 } before)
            throw new InvalidOperationException($"platformd is not empty before the first round: {before}");
        for (var round = 1; round <= options.Rounds; round++)
        {
            var (elapsed, name) = await Watched("load", () => platform.LoadAsync(image, Ns, unpack: true));
            load.Add(elapsed);
            await platform.RemoveAsync(name, Ns);
            if (containerd is not null)
            {
                ctrLoad.Add((await Ctr("images", "import", image.Archive)).Elapsed);
                await containerd.RemoveImageAsync(Ns, image.Name);
            }

            (elapsed, name) = await Watched("load-no-unpack", () => platform.LoadAsync(image, Ns, unpack: false));
            loadNoUnpack.Add(elapsed);
            unpack.Add(await Watched("unpack", () => platform.UnpackAsync(image, Ns)));
            await platform.RemoveAsync(name, Ns);
            if (containerd is not null)
            {
                ctrLoadNoUnpack.Add((await Ctr("images", "import", "--no-unpack", image.Archive)).Elapsed);
                var target = Directory.CreateTempSubdirectory("platform-bench-mount-").FullName;
                ctrMount.Add((await Ctr("images", "mount", image.Name, target)).Elapsed);
                await Ctr("images", "unmount", "--rm", target);
                Directory.Delete(target);
                await containerd.RemoveImageAsync(Ns, image.Name);
            }
            Console.WriteLine($"# round {round}: load {Seconds(load[^1])} (ctr {Seconds(ctrLoad.LastOrDefault())}), " +
                $"without unpack {Seconds(loadNoUnpack[^1])} (ctr {Seconds(ctrLoadNoUnpack.LastOrDefault())}), " +
                $"unpack {Seconds(unpack[^1])} (ctr mount {Seconds(ctrMount.LastOrDefault())})");
        }

        var size = image.ArchiveBytes;
        _loadRate = Rate("images.load.platform.unpacked", load, size, "ImageLoader through platformd, unpacked into overlayfs snapshots");
        _ctrLoadRate = Reference("images.load.ctr-import.unpacked", ctrLoad, size, "ctr images import, unpacked into overlayfs (its default)");
        Ratio("images.load.ratio-platform-to-ctr.unpacked", _loadRate, _ctrLoadRate);
        var noUnpack = Rate("images.load.platform.no-unpack", loadNoUnpack, size, "content and image record only");
        Ratio("images.load.ratio-platform-to-ctr.no-unpack", noUnpack,
            Reference("images.load.ctr-import.no-unpack", ctrLoadNoUnpack, size, "ctr images import --no-unpack"));
        PrintPeak("images.load.platformd.peak-memory.unpacked", "load");
        PrintPeak("images.load.platformd.peak-memory.no-unpack", "load-no-unpack");

        var layers = $"{image.Layers} layers, {image.LayerBytes / 1e6:0} MB gzip";
        var ours = Duration($"images.unpack.{image.Layers}-layers.platform", unpack, $"Images.UnpackAsync of the loaded image ({layers})");
        var theirs = containerd is null
            ? null
            : Duration($"images.unpack.{image.Layers}-layers.ctr-images-mount", ctrMount, "ctr 1.6 has no unpack command: ctr images mount = unpack + prepare + mount");
        if (ours is not null && theirs is not null)
            Console.WriteLine($"images.unpack.ratio-platform-to-ctr: {ours / theirs:0.00} x (time; lower is faster)");
        PrintPeak("images.unpack.platformd.peak-memory", "unpack");
    }

    /// <summary>
    /// The small image through every path once on each side, not counted: platformd's code is compiled on first use, and
    /// a long-running service has paid that long before a load.
    /// </summary>
    private async Task WarmUpAsync(BenchImage warmUp)
    {
        var (_, name) = await platform.LoadAsync(warmUp, Ns, unpack: true);
        await platform.RemoveAsync(name, Ns);
        (_, name) = await platform.LoadAsync(warmUp, Ns, unpack: false);
        await platform.UnpackAsync(warmUp, Ns);
        await platform.RemoveAsync(name, Ns);
        if (containerd is not null)
        {
            await Ctr("images", "import", warmUp.Archive);
            await containerd.RemoveImageAsync(Ns, warmUp.Name);
        }
        Console.WriteLine($"# warm-up (not counted): {warmUp.Name} loaded, unpacked and removed on each side");
    }

    /// <summary>Pulls from a registry on 127.0.0.1: skopeo copy to an OCI layout, ctr images pull, and Platform's pull when this build has one.</summary>
    public async Task PullAsync(BenchImage image, PlatformClient client, string registryFolder, string pulledFolder)
    {
        var (registry, why) = await LocalRegistry.StartAsync(registryFolder);
        if (registry is null)
        {
            Console.WriteLine($"images.pull: not measured ({why})");
            return;
        }
        await using (registry)
        {
            var seed = await registry.SeedAsync(image.Layout, image.Tag, "bench/app:1");
            if (!seed.Ok)
            {
                Console.WriteLine($"images.pull: not measured (seeding the registry with skopeo failed: {seed.FirstLine})");
                return;
            }
            var reference = $"{registry.Host}/bench/app:1";
            Console.WriteLine($"# registry: docker-registry on {registry.Host}, seeded by skopeo in {Seconds(seed.Elapsed)}; pulling {reference}");
            var (skopeo, ctrPull, ours, oursUnpacked) = (new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>());
            var missing = PlatformPull.Missing;
            for (var round = 1; round <= options.Rounds; round++)
            {
                if (missing is null)
                {
                    ours.Add(await Watched("pull", () => TimedAsync(() => PlatformPull.PullAsync(client, reference, Ns, unpack: false, CancellationToken.None))));
                    await platform.RemoveAsync(reference, Ns);
                    oursUnpacked.Add(await Watched("pull-unpacked", () => TimedAsync(() => PlatformPull.PullAsync(client, reference, Ns, unpack: true, CancellationToken.None))));
                    await platform.RemoveAsync(reference, Ns);
                }
                var target = Path.Combine(pulledFolder, $"skopeo-{round}");
                Directory.CreateDirectory(pulledFolder);
                var copy = await registry.SkopeoAsync("copy", "--quiet", "--src-tls-verify=false", "--src-no-creds", $"docker://{reference}", $"oci:{target}:x");
                if (!copy.Ok)
                    throw new InvalidOperationException($"skopeo copy from {reference}: {copy.FirstLine}");
                skopeo.Add(copy.Elapsed);
                Mounts.DeleteFolder(target);
                if (containerd is not null)
                {
                    ctrPull.Add((await Ctr("images", "pull", "--plain-http", reference)).Elapsed);
                    await containerd.RemoveImageAsync(Ns, reference);
                }
            }

            var size = Directory.GetFiles(Path.Combine(image.Layout, "blobs", "sha256")).Sum(f => new FileInfo(f).Length);
            _skopeoRate = Reference("images.pull.skopeo-copy", skopeo, size, "skopeo copy docker://… oci:DIR, blobs to disk, no unpack");
            var ctrRate = Reference("images.pull.ctr-pull.unpacked", ctrPull, size, "ctr images pull --plain-http, unpacked into overlayfs (1.6 always unpacks)");
            if (missing is not null)
            {
                Console.WriteLine($"images.pull.platform: not measured ({missing})");
                return;
            }
            _pullRate = Rate("images.pull.platform.no-unpack", ours, size, "content and image record only, as skopeo");
            Ratio("images.pull.ratio-platform-to-skopeo", _pullRate, _skopeoRate);
            var unpackedRate = Rate("images.pull.platform.unpacked", oursUnpacked, size, "unpacked into overlayfs snapshots, as ctr");
            Ratio("images.pull.ratio-platform-to-ctr.unpacked", unpackedRate, ctrRate);
            PrintPeak("images.pull.platformd.peak-memory", "pull", "pull-unpacked");
        }
    }

    /// <summary><c>platformctl run --rm busybox:latest true</c> against <c>ctr run --rm IMAGE ID true</c>, whole processes, alternating.</summary>
    public async Task RunAsync(BenchImage busybox, BenchVhost? vhost)
    {
        if (vhost is null)
        {
            Console.WriteLine("images.run.platformctl: not measured (no virtual host of the benchmark's own, and platformctl has no queue-prefix option)");
            return;
        }
        if (!File.Exists(options.Platformctl[^1]))
        {
            Console.WriteLine($"images.run.platformctl: not measured (no {options.Platformctl[^1]}: build tools/Platform.Cli)");
            return;
        }
        var (_, name) = await platform.LoadAsync(busybox, ImagesBenchmark.RunNamespace, unpack: true);
        string[] ours = ["--bus", vhost.BusUri, "--namespace", ImagesBenchmark.RunNamespace, "run", "--rm", "busybox:latest", "true"];
        var probe = await Commands.RunAsync(options.Platformctl[0], [.. options.Platformctl[1..], .. ours], TimeSpan.FromMinutes(2));
        var ctrReady = containerd is not null && (await containerd.CtrAsync(ImagesBenchmark.RunNamespace, "images", "import", busybox.Archive)).Ok;
        var ctrProbe = ctrReady ? await containerd!.CtrAsync(ImagesBenchmark.RunNamespace, "run", "--rm", busybox.Name, "bench-probe", "true") : null;
        Console.WriteLine($"# run: {name} loaded and unpacked on both sides; one run each not counted (warm-up), then {options.RunRounds} alternating, whole process");

        var (platformctl, ctr) = (new List<TimeSpan>(), new List<TimeSpan>());
        for (var i = 0; i < options.RunRounds; i++)
        {
            if (probe.Ok)
            {
                var run = await Commands.RunAsync(options.Platformctl[0], [.. options.Platformctl[1..], .. ours], TimeSpan.FromMinutes(2));
                if (!run.Ok)
                    throw new InvalidOperationException($"platformctl run --rm busybox:latest true exited {run.ExitCode}: {run.FirstLine}");
                platformctl.Add(run.Elapsed);
            }
            if (ctrProbe is { Ok: true })
            {
                var run = await containerd!.CtrAsync(ImagesBenchmark.RunNamespace, "run", "--rm", busybox.Name, $"bench-{i}", "true");
                if (!run.Ok)
                    throw new InvalidOperationException($"ctr run --rm {busybox.Name} bench-{i} true exited {run.ExitCode}: {run.FirstLine}");
                ctr.Add(run.Elapsed);
            }
        }
        var oursP50 = probe.Ok
            ? Latency("images.run.platformctl-run-rm.true", platformctl, $"{string.Join(' ', options.Platformctl.Select(Path.GetFileName))} run --rm busybox:latest true")
            : NotMeasured("images.run.platformctl-run-rm.true", $"platformctl run --rm busybox:latest true exited {probe.ExitCode} here: {probe.FirstLine}");
        var theirsP50 = ctrProbe is { Ok: true }
            ? Latency("images.run.ctr-run-rm.true", ctr, $"ctr run --rm {busybox.Name} ID true")
            : NotMeasured("images.run.ctr-run-rm.true", containerd is null ? "no containerd" : $"ctr run failed: {ctrProbe?.FirstLine ?? "the import failed"}");
        if (oursP50 is not null && theirsP50 is not null)
            Console.WriteLine($"images.run.ratio-platformctl-to-ctr.p50: {oursP50 / theirsP50:0.00} x (time; lower is faster)");
    }

    /// <summary>The issue's goals beside the figures: met, not met, or not measured.</summary>
    public void PrintGoals()
    {
        Console.WriteLine(Goal("goal.load-at-least-as-fast-as-ctr-import", _loadRate, _ctrLoadRate, "MB/s, unpacked on both sides"));
        Console.WriteLine(Goal("goal.pull-at-least-as-fast-as-skopeo", _pullRate, _skopeoRate, "MB/s, no unpack on either side"));
        var peak = _peaks.Count == 0 ? (double?)null : _peaks.Values.Max();
        var kind = _peaks.Count == 0 ? "" : _peaks.MaxBy(p => p.Value).Key;
        Console.WriteLine(peak is null
            ? "goal.platformd-peak-memory-under-300MB: not measured"
            : $"goal.platformd-peak-memory-under-300MB: {(peak < MemoryGoalMiB ? "met" : "NOT MET")} (highest {peak:0} MiB = {peak * 1.048576:0} MB, during {kind}; " +
              $"{(_peakReset ? "VmHWM reset before each operation" : "VmHWM since start: the kernel refused the reset")})");
    }

    private static string Goal(string name, double? ours, double? theirs, string unit) =>
        ours is null || theirs is null
            ? $"{name}: not measured ({(ours is null ? "no Platform figure" : "no reference figure")})"
            : $"{name}: {(ours >= theirs ? "met" : "NOT MET")} (Platform {ours:0.0} vs {theirs:0.0} {unit}; {ours / theirs:0.00} x)";

    private async Task<T> Watched<T>(string kind, Func<Task<T>> operation)
    {
        _before[kind] = Math.Max(_before.GetValueOrDefault(kind), service.ResidentMemoryMiB());
        _peakReset &= service.ResetPeakMemory();
        var result = await operation();
        _peaks[kind] = Math.Max(_peaks.GetValueOrDefault(kind), service.PeakMemoryMiB());
        return result;
    }

    private static async Task<TimeSpan> TimedAsync(Func<Task> operation)
    {
        var started = Stopwatch.GetTimestamp();
        await operation();
        return Stopwatch.GetElapsedTime(started);
    }

    private async Task<CommandResult> Ctr(params string[] args)
    {
        var result = await containerd!.CtrAsync(Ns, args);
        if (!result.Ok)
            throw new InvalidOperationException($"ctr {string.Join(' ', args)} exited {result.ExitCode}: {result.FirstLine}");
        return result;
    }

    private void PrintPeak(string name, params string[] kinds)
    {
        var measured = kinds.Where(_peaks.ContainsKey).ToList();
        if (measured.Count > 0)
            Console.WriteLine($"{name}: {measured.Max(k => _peaks[k]):0} MiB (VmHWM of platformd, highest over the rounds; resident before: up to " +
                $"{measured.Max(k => _before[k]):0} MiB; goal under 300 MB = {MemoryGoalMiB:0} MiB)");
    }

    private double? Reference(string name, List<TimeSpan> times, long bytes, string what)
    {
        if (containerd is null && name.Contains("ctr", StringComparison.Ordinal))
            return NotMeasured(name, "containerd is not available");
        return times.Count == 0 ? NotMeasured(name, "no round ran") : Rate(name, times, bytes, what);
    }

    private static string Seconds(TimeSpan t) => t == default ? "-" : $"{t.TotalSeconds:0.00} s";
}
