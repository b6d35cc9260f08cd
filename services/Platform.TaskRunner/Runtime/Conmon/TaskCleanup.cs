using Platform.TaskRunner.Networks.Cni;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// Takes a task apart in the order its pieces depend on each other: the runtime's container, then (once the monitors
/// recorded their exits) the network attachment, the rootfs mount, the attach sockets, the bundle and the monitor
/// state, then the namespace's parent cgroup. Also finds what is left on disk (network attachments included), for
/// reconciliation.
/// </summary>
internal sealed class TaskCleanup(ConmonLayout layout, RuncCommand runc, OciBundle bundle, NamespaceCgroups cgroups, TaskNetworks networks, TimeProvider clock)
{
    private static readonly TimeSpan MonitorGrace = TimeSpan.FromSeconds(2);

    /// <summary>See <see cref="ITaskRuntime.CleanupAsync"/>.</summary>
    public async Task CleanupAsync(TaskHandle task, CancellationToken cancellationToken)
    {
        var taskDir = layout.TaskDir(task.Namespace, task.ContainerId);
        // The runtime the task was created with, which its handle may no longer name.
        var runtimeName = StateFiles.ReadText(layout.RuntimeNameFile(task.Namespace, task.ContainerId))?.Trim();
        var handle = string.IsNullOrEmpty(runtimeName) ? task : task with { Runtime = runtimeName };
        await runc.DeleteAsync(task, handle, cancellationToken);

        // The monitors see their processes die and write their records; let them finish before their folders go.
        var monitors = Directory.Exists(taskDir)
            ? Directory.EnumerateFiles(taskDir, "conmon.pid", SearchOption.AllDirectories).Select(Path.GetDirectoryName).ToList()
            : [];
        var deadline = clock.GetUtcNow() + MonitorGrace;
        while (monitors.Any(m => ExitRecords.MonitorAlive(m!)) && clock.GetUtcNow() < deadline)
            await Task.Delay(TimeSpan.FromMilliseconds(10), clock, cancellationToken);

        // With the container gone, its network attachment (CNI DEL, then the namespace file) goes before its files do.
        await networks.DetachAsync(task, cancellationToken);

        bundle.Unmount(task);

        // conmon's attach socket folders, one per process.
        if (Directory.Exists(taskDir))
            foreach (var cuuidFile in Directory.EnumerateFiles(taskDir, "cuuid", SearchOption.AllDirectories))
                if (StateFiles.ReadText(cuuidFile)?.Trim() is { Length: > 0 } cuuid && !cuuid.Contains('/'))
                    StateFiles.TryDeleteTree(Path.Combine(layout.SocketDir, cuuid));

        bundle.Remove(task);
        StateFiles.TryDeleteTree(taskDir);
        StateFiles.TryDeleteEmpty(Path.GetDirectoryName(taskDir)!);
        cgroups.RemoveIfIdle(task.Namespace);
    }

    /// <summary>See <see cref="ITaskRuntime.ListOnDisk"/>.</summary>
    public IReadOnlyList<TaskHandle> ListOnDisk()
    {
        var found = new SortedDictionary<(string, string), string>();
        foreach (var (ns, id) in TwoLevels(layout.StateDir))
            found[(ns, id)] = StateFiles.ReadText(layout.RuntimeNameFile(ns, id))?.Trim() is { Length: > 0 } name ? name : "runc";
        foreach (var (ns, id) in TwoLevels(layout.BundlesDir))
            found.TryAdd((ns, id), "runc");
        foreach (var (ns, id) in networks.ListOnDisk())
            found.TryAdd((ns, id), "runc");
        return [.. found.Select(f => new TaskHandle(f.Key.Item1, f.Key.Item2, f.Value))];

        static IEnumerable<(string, string)> TwoLevels(string dir)
        {
            if (!Directory.Exists(dir))
                yield break;
            foreach (var ns in Directory.EnumerateDirectories(dir))
            foreach (var id in Directory.EnumerateDirectories(ns))
                yield return (Path.GetFileName(ns), Path.GetFileName(id));
        }
    }
}
