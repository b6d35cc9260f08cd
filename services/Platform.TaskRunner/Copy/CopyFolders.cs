using Microsoft.Extensions.Options;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;
using Platform.TaskRunner.Runtime.Conmon;

namespace Platform.TaskRunner.Copy;

/// <summary>
/// The runner's private folder for copies: <c>{DataRoot}/copies</c>, holding tar streams in transit and snapshot mount
/// points. Copies don't outlive the runner, so what a previous run left there (a crash mid-copy) is removed when this
/// run first needs the folder (no copy of its own is under way yet), a snapshot still mounted included.
/// </summary>
public sealed class CopyFolders
{
    public CopyFolders(IOptions<StoreOptions> store)
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetFullPath(store.Value.DataRoot), "copies");
        PrivateFiles.EnsureFolder(Root);
        foreach (var leftover in Directory.EnumerateFiles(Root, "*.tar*"))
            File.Delete(leftover);
        foreach (var mountPoint in Directory.EnumerateDirectories(Root, "mnt-*"))
        {
            Native.Unmount(mountPoint);
            try
            {
                if (!Native.IsMountPoint(mountPoint))
                    Directory.Delete(mountPoint);
            }
            catch (IOException)
            {
                // still busy: the next run tries again
            }
        }
    }

    public string Root { get; }

    public string Stream(Guid id) => System.IO.Path.Combine(Root, id.ToString("N") + ".tar");
}
