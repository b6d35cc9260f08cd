using System.Diagnostics;

namespace Platform.Bench;

/// <summary>
/// containerd 1.6 as the reference, started the way MACHINE-NOTES.md describes: a private config with its root, state,
/// sockets and plugin folder under a temporary folder, the CRI plugin off. Driven through <c>ctr</c>, whole process.
/// </summary>
public sealed class Containerd : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly string _ctr;
    private readonly bool _runFolderExisted;
    private readonly HashSet<string> _runNamespaces = [];

    private Containerd(Process process, string folder, string ctr, bool runFolderExisted)
    {
        _process = process;
        _folder = folder;
        _ctr = ctr;
        _runFolderExisted = runFolderExisted;
    }

    /// <summary>
    /// Where the runc shim keeps what this config cannot move (1.6 fixes it): shim sockets, runc state and ctr's fifos.
    /// </summary>
    public const string RunFolder = "/run/containerd";

    public string Socket => Path.Combine(_folder, "containerd.sock");

    public string Root => Path.Combine(_folder, "root");

    public int Pid => _process.Id;

    /// <summary>The blob files of its content store (shared by every namespace), to check a round left nothing.</summary>
    public int BlobFiles => CountFiles(Path.Combine(Root, "io.containerd.content.v1.content", "blobs", "sha256"));

    /// <summary>Starts containerd under <paramref name="folder"/>; null with the reason when it is not installed and cannot be.</summary>
    public static async Task<(Containerd? Daemon, string? Why)> StartAsync(string folder)
    {
        var (containerd, why) = await Commands.EnsureAsync("containerd", "containerd");
        var ctr = Commands.Which("ctr");
        if (containerd is null || ctr is null)
            return (null, why ?? "ctr is not installed (it comes with Debian's containerd package)");
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "config.toml");
        await File.WriteAllTextAsync(config, $"""
            version = 2
            root = "{folder}/root"
            state = "{folder}/state"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]
            [grpc]
              address = "{folder}/containerd.sock"
            [ttrpc]
              address = "{folder}/containerd.sock.ttrpc"
            [debug]
              level = "warn"
            [plugins."io.containerd.internal.v1.opt"]
              path = "{folder}/opt"
            """);
        var start = new ProcessStartInfo(containerd) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(config);
        var log = new StreamWriter(Path.Combine(folder, "containerd.log")) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start containerd");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var daemon = new Containerd(process, folder, ctr, Directory.Exists(RunFolder));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await daemon.DisposeAsync();
                return (null, $"containerd exited with {process.ExitCode} at start (see its log under {folder})");
            }
            if (File.Exists(daemon.Socket) && (await daemon.CtrAsync("default", "version")).Ok)
                return (daemon, null);
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                await daemon.DisposeAsync();
                return (null, "containerd did not answer on its socket within 30 s");
            }
            await Task.Delay(50);
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
            return;
        lock (log)
            log.WriteLine(line);
    }

    /// <summary><c>ctr --address SOCK -n NS ARGS</c>, whole process.</summary>
    public Task<CommandResult> CtrAsync(string ns, params string[] args)
    {
        if (args is ["run", ..])
            lock (_runNamespaces)
                _runNamespaces.Add(ns);
        return Commands.RunAsync(_ctr, ["--address", Socket, "-n", ns, .. args], TimeSpan.FromMinutes(10));
    }

    /// <summary>Removes the image and waits for containerd's collector (<c>--sync</c>); then checks nothing is left of it.</summary>
    public async Task RemoveImageAsync(string ns, string name)
    {
        var rm = await CtrAsync(ns, "images", "rm", "--sync", name);
        if (!rm.Ok)
            throw new InvalidOperationException($"ctr images rm {name}: {rm.FirstLine}");
        var content = await CtrAsync(ns, "content", "ls", "-q");
        var snapshots = await CtrAsync(ns, "snapshots", "ls");
        var left = Lines(content.Stdout).Count + Math.Max(0, Lines(snapshots.Stdout).Count - 1); // snapshots ls prints a header
        if (left > 0 || BlobFiles > 0)
            throw new InvalidOperationException($"containerd kept {left} records and {BlobFiles} blob files after removing {name}");
    }

    /// <summary>Peak resident memory of containerd since it started, in MiB.</summary>
    public double PeakMemoryMiB() => ServiceProcess.PeakMemoryMiB(Pid);

    public async ValueTask DisposeAsync()
    {
        await Commands.StopAsync(_process, TimeSpan.FromSeconds(10));
        _process.Dispose();
        Mounts.UnmountUnder(_folder);
        Mounts.DeleteFolder(_folder);
        // What containers left outside the folder: the namespaces' (empty) cgroups, and the run folder if this started it.
        foreach (var ns in _runNamespaces)
            foreach (var controller in Directory.GetDirectories("/sys/fs/cgroup"))
                Mounts.RemoveEmptyFolders(Path.Combine(controller, ns));
        if (!_runFolderExisted)
            Mounts.RemoveEmptyFolders(RunFolder);
    }

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static int CountFiles(string folder) => Directory.Exists(folder) ? Directory.GetFiles(folder).Length : 0;
}
