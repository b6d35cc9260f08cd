using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts.Tasks;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Runtime.Conmon;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks;

namespace Platform.TaskRunner.Copy;

/// <summary>
/// The root folder of a container's filesystem on the runner's host, for the length of one copy. A live task's is
/// <c>/proc/&lt;pid&gt;/root</c>: its own mount namespace, so volumes and bind mounts inside are where the container
/// sees them. A container without a live task has its snapshot mounted (as a task would) on a private temporary
/// folder, under the task's lock so no create mounts the same snapshot meanwhile; or, without a snapshot, its spec's
/// absolute <c>root.path</c>.
/// </summary>
public sealed class ContainerRoots(ITaskStore store, TaskLocks locks, PlatformClient platform, CopyFolders folders)
{
    public async Task<ContainerRoot> OpenAsync(string ns, string id, CancellationToken cancellationToken)
    {
        var task = await store.GetAsync(ns, id, cancellationToken);
        if (task is not null)
        {
            if (task.Status == TaskState.Stopped || task.Pid <= 0)
                throw TaskRules.Illegal(task, "copy files of");
            return new ContainerRoot($"/proc/{task.Pid.ToString(CultureInfo.InvariantCulture)}/root", null);
        }
        var hold = await locks.LockAsync(ns, id, cancellationToken);
        try
        {
            if (await store.GetAsync(ns, id, cancellationToken) is not null)
            {
                hold.Dispose();
                return await OpenAsync(ns, id, cancellationToken); // a task was created meanwhile
            }
            var container = await platform.Containers.GetAsync(id, ns, cancellationToken);
            if (container.SnapshotKey is null)
            {
                hold.Dispose();
                return new ContainerRoot(SpecRoot(container.Spec, id), null);
            }
            var mounts = (await platform.Snapshots.MountsAsync(container.SnapshotKey, container.Snapshotter, ns, cancellationToken)).Mounts;
            var target = PrivateFiles.CreateFolder(Path.Combine(folders.Root, "mnt-" + Guid.NewGuid().ToString("N")));
            try
            {
                RootfsMounts.Mount(mounts, target);
            }
            catch
            {
                Directory.Delete(target);
                throw;
            }
            return new ContainerRoot(target, () =>
            {
                Native.Unmount(target);
                Directory.Delete(target);
                hold.Dispose();
            });
        }
        catch
        {
            hold.Dispose();
            throw;
        }
    }

    private static string SpecRoot(string? spec, string id)
    {
        try
        {
            if (spec is not null && JsonNode.Parse(spec)?["root"]?["path"] is JsonValue value && value.TryGetValue<string>(out var path) && Path.IsPathRooted(path))
                return path;
        }
        catch (JsonException)
        {
        }
        throw PlatformException.FailedPrecondition($"container {id} has no snapshot and no absolute root.path: it has no files to copy");
    }
}
