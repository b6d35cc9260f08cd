using System.Formats.Tar;
using System.Runtime.Versioning;
using Platform.Client;

namespace Platform.Testing;

/// <summary>
/// A minimal root filesystem for real containers: Debian's busybox-static binary, a symlink per applet, and the
/// folders the runtime mounts over (proc, dev, sys, tmp).
/// </summary>
[SupportedOSPlatform("linux")]
public static class BusyboxRootfs
{
    public static string BusyboxPath => File.Exists("/bin/busybox") ? "/bin/busybox" : "/usr/bin/busybox";

    /// <summary>Fills <paramref name="directory"/> (created when missing) and returns it.</summary>
    public static string Create(string directory)
    {
        var bin = Path.Combine(directory, "bin");
        Directory.CreateDirectory(bin);
        foreach (var folder in new[] { "proc", "dev", "sys", "tmp", "etc", "root" })
            Directory.CreateDirectory(Path.Combine(directory, folder));
        File.Copy(BusyboxPath, Path.Combine(bin, "busybox"), overwrite: true);
        File.SetUnixFileMode(Path.Combine(bin, "busybox"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
            UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (var applet in new[] { "sh", "true", "false", "echo", "sleep", "cat", "ls", "ps", "kill", "env", "id", "hostname", "yes", "head", "trap", "wc" })
        {
            var link = Path.Combine(bin, applet);
            if (!File.Exists(link))
                File.CreateSymbolicLink(link, "busybox");
        }
        File.WriteAllText(Path.Combine(directory, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        return directory;
    }

    /// <summary>
    /// Builds the root filesystem under <paramref name="scratch"/> and imports it as committed snapshot
    /// <paramref name="name"/> in <paramref name="namespace"/>, labelled a GC root so it outlives the containers on it.
    /// </summary>
    public static async Task ImportAsync(PlatformClient client, string scratch, string @namespace, string name = "busybox")
    {
        var rootfs = Create(scratch);
        using var archive = new MemoryStream();
        await TarFile.CreateFromDirectoryAsync(rootfs, archive, includeBaseDirectory: false);
        archive.Position = 0;
        await client.Snapshots.ImportAsync(archive, name, labels: new Dictionary<string, string> { ["platform.io/gc.root"] = "true" }, @namespace: @namespace);
    }
}
