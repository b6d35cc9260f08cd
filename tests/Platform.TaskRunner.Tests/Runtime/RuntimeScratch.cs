using Platform.TaskRunner.Networks;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Contracts.Resources;
using Platform.Hosting.Options;
using Platform.Testing;
using Platform.TaskRunner.Networks.Cni;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Runtime.Conmon;

namespace Platform.TaskRunner.Tests.Runtime;

/// <summary>
/// A short temp folder (<c>/tmp/rt-xxxxxx</c>) with a busybox rootfs and a runtime root, a unique namespace (so runc roots
/// and cgroups never collide with a parallel test), and every task it made cleaned up at the end.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class RuntimeScratch : IAsyncDisposable
{
    private readonly List<TaskHandle> _tasks = [];
    private readonly List<ConmonRuntime> _runtimes = [];
    private string? _rootfs;

    public RuntimeScratch()
    {
        Path = Directory.CreateTempSubdirectory("rt-").FullName;
        Namespace = "t" + Guid.NewGuid().ToString("N")[..8];
        Runtime = NewRuntime();
    }

    public string Path { get; }
    public string Namespace { get; }
    public ConmonRuntime Runtime { get; }
    public string RuntimeRoot => System.IO.Path.Combine(Path, "r");

    /// <summary>The busybox rootfs folder, made on first use.</summary>
    public string Rootfs => _rootfs ??= BusyboxRootfs.Create(System.IO.Path.Combine(Path, "rootfs"));

    /// <summary>Another runtime object over the same folder: what the runner sees after a restart.</summary>
    public ConmonRuntime NewRuntime(TimeSpan? exitPollInterval = null)
    {
        var store = Options.Create(new StoreOptions { DataRoot = Path });
        var plugins = new CniPlugins(Options.Create(new NetworkOptions()));
        var options = Options.Create(new NetworkOptions());
        var cache = new AttachmentCache(store);
        var networks = new TaskNetworks(new CniConfLists(store), new CniNetworkList(plugins), plugins, new NetnsFiles(store), cache,
            new HostPorts(cache, options), new TaskNames(cache, store), NullLogger<TaskNetworks>.Instance);
        var runtime = new ConmonRuntime(
            Options.Create(new RuntimeOptions { Root = RuntimeRoot, ExitPollInterval = exitPollInterval ?? TimeSpan.FromMilliseconds(200) }),
            store,
            NullLogger<ConmonRuntime>.Instance,
            TimeProvider.System,
            networks);
        _runtimes.Add(runtime);
        return runtime;
    }

    public TaskHandle Handle(string? id = null, string runtime = "runc")
    {
        var handle = new TaskHandle(Namespace, id ?? "c" + Guid.NewGuid().ToString("N")[..6], runtime);
        lock (_tasks)
            _tasks.Add(handle);
        return handle;
    }

    public string Spec(params string[] args) => OciSpec.Create(Rootfs, args).ToJsonString();

    public TaskLaunch Launch(TaskHandle task, string[] args, IReadOnlyList<Mount>? mounts = null) => new(task, Spec(args), mounts);

    /// <summary>Creates and starts a task; returns its init pid.</summary>
    public async Task<int> RunAsync(TaskHandle task, params string[] args)
    {
        var pid = await Runtime.CreateAsync(Launch(task, args), CancellationToken.None);
        await Runtime.StartAsync(task, CancellationToken.None);
        return pid;
    }

    public static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;

    public async ValueTask DisposeAsync()
    {
        foreach (var task in _tasks)
        {
            try
            {
                await Runtime.CleanupAsync(task, CancellationToken.None);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"cleanup of {task} failed: {e}");
            }
        }
        foreach (var runtime in _runtimes)
            runtime.Dispose();
        if (File.ReadAllText("/proc/self/mountinfo").Contains(Path, StringComparison.Ordinal))
            return; // something is still mounted here: leave it rather than delete through a mount
        Directory.Delete(Path, recursive: true);
    }
}
