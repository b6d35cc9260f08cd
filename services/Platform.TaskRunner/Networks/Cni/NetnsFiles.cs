using System.Diagnostics;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Runtime.Conmon;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>
/// Persistent network namespaces of tasks, <c>{DataRoot}/networks/netns/{ns}/{id}</c>: an empty file with the new
/// namespace bind-mounted on it (as <c>ip netns add</c> does under /run/netns), made before <c>runc create</c> so CNI
/// can configure it and the spec can name it. <c>unshare --net=FILE</c> makes it: unshare(2) moves the calling thread,
/// which a .NET thread pool thread must never be. After a reboot the files stay, mounted on nothing: removal copes.
/// </summary>
public sealed class NetnsFiles(IOptions<StoreOptions> store)
{
    public string Dir { get; } = Path.Combine(Path.GetFullPath(store.Value.DataRoot), "networks", "netns");

    public string PathOf(string ns, string id) => Path.Combine(Dir, ns, id);

    /// <summary>Whether the file is there with a namespace mounted on it.</summary>
    public bool IsMounted(string path) => File.Exists(path) && Native.IsMountPoint(path);

    public async Task<string> CreateAsync(string ns, string id, CancellationToken cancellationToken)
    {
        var path = PathOf(ns, id);
        PrivateFiles.EnsureFolder(Dir);
        PrivateFiles.EnsureFolder(Path.GetDirectoryName(path)!);
        if (IsMounted(path))
            throw PlatformException.FailedPrecondition($"task {ns}/{id} already has a network namespace at {path}");
        File.WriteAllBytes(path, []);
        var start = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add($"--net={path}");
        start.ArgumentList.Add("true");
        using var process = Process.Start(start) ?? throw PlatformException.Internal("could not start unshare");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            Remove(path);
            throw PlatformException.Internal($"creating the network namespace of {ns}/{id} failed: {(await stderr).Trim()}");
        }
        return path;
    }

    /// <summary>Unmounts (lazily when busy) and deletes the file, and its namespace's folder once empty.</summary>
    public void Remove(string path)
    {
        for (var attempt = 0; attempt < 4 && IsMounted(path); attempt++)
            Native.Unmount(path);
        if (IsMounted(path))
            throw PlatformException.Internal($"cannot unmount the network namespace {path}");
        File.Delete(path);
        NamespaceFolders.DeleteIfEmpty(Path.GetDirectoryName(path)!);
    }

    /// <summary>Every task that has a namespace file here: (namespace, container id).</summary>
    public IEnumerable<(string Namespace, string ContainerId)> List()
    {
        if (!Directory.Exists(Dir))
            yield break;
        foreach (var ns in Directory.EnumerateDirectories(Dir))
        foreach (var file in Directory.EnumerateFiles(ns))
            yield return (Path.GetFileName(ns), Path.GetFileName(file));
    }
}
