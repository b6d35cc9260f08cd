using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Platform.Client.Oci;

namespace Platform.Bench;

/// <summary>
/// An OCI runtime (runc or crun) run bare: <c>RUNTIME run</c> of /bin/true on a busybox folder with Platform's default
/// spec, whole process, output discarded. One bundle per concurrent caller, so each container has a cgroup of its own.
/// </summary>
public sealed class BareRuntime : IDisposable
{
    private const string CgroupParent = "platform-bench";

    private readonly string _binary;
    private readonly string _root;
    private readonly ConcurrentBag<string> _bundles = [];
    private readonly List<string> _cgroups = [];

    private BareRuntime(string name, string binary, string root)
    {
        Name = name;
        _binary = binary;
        _root = root;
    }

    public string Name { get; }

    /// <summary>Writes <paramref name="callers"/> bundles for <paramref name="rootfs"/> under <paramref name="folder"/>.</summary>
    public static async Task<BareRuntime> CreateAsync(string name, string binary, string rootfs, string folder, int callers)
    {
        var runtime = new BareRuntime(name, binary, Path.Combine(folder, "state"));
        for (var n = 0; n < callers; n++)
        {
            var bundle = Path.Combine(folder, $"bundle-{n}");
            Directory.CreateDirectory(bundle);
            var cgroup = $"vs-{name}-{Environment.ProcessId}-{n}";
            var spec = JsonNode.Parse(DefaultSpec.Create(new DefaultSpecOptions { Args = ["/bin/true"] }))!.AsObject();
            spec["root"] = new JsonObject { ["path"] = rootfs, ["readonly"] = false };
            spec["linux"]!["cgroupsPath"] = $"/{CgroupParent}/{cgroup}";
            await File.WriteAllTextAsync(Path.Combine(bundle, "config.json"), spec.ToJsonString());
            runtime._bundles.Add(bundle);
            runtime._cgroups.Add(cgroup);
        }
        return runtime;
    }

    /// <summary>Runs container <paramref name="id"/> to its exit (the runtime deletes it then); returns how long the process took.</summary>
    public async Task<TimeSpan> RunAsync(string id)
    {
        if (!_bundles.TryTake(out var bundle))
            throw new InvalidOperationException($"more concurrent {Name} runs than bundles");
        try
        {
            var result = await Commands.RunAsync(_binary, ["--root", _root, "run", "--bundle", bundle, id], TimeSpan.FromMinutes(1));
            if (!result.Ok)
                throw new InvalidOperationException($"{Name} run {id} exited {result.ExitCode}: {result.FirstLine}");
            return result.Elapsed;
        }
        finally
        {
            _bundles.Add(bundle);
        }
    }

    /// <summary>Removes the (empty) cgroups the runs left, and their parent when nothing else is in it.</summary>
    public void Dispose()
    {
        foreach (var controller in Directory.GetDirectories("/sys/fs/cgroup"))
        {
            foreach (var cgroup in _cgroups)
                Mounts.RemoveEmptyFolders(Path.Combine(controller, CgroupParent, cgroup));
            if (Directory.Exists(Path.Combine(controller, CgroupParent)) && Directory.GetDirectories(Path.Combine(controller, CgroupParent)).Length == 0)
                Mounts.RemoveEmptyFolders(Path.Combine(controller, CgroupParent));
        }
    }
}
