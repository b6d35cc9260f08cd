using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Drivers;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Drivers;

/// <summary>
/// A scratch folder on a real disk for one test. /var/tmp is preferred over /tmp: /tmp may be a tmpfs, where
/// overlay (and xattrs) behave differently from where snapshots really live. Disposing unmounts anything a
/// failed test left mounted under it, then deletes it.
/// </summary>
internal sealed class Scratch : IDisposable
{
    public Scratch()
    {
        var parent = Directory.Exists("/var/tmp") ? "/var/tmp" : System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(parent, $"platform-drivers-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(params string[] parts)
    {
        var path = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var target in Mounts.Under(Path).OrderByDescending(p => p.Length))
            Mounts.Unmount(target);
        DriverFolders.DeleteTree(Path, CancellationToken.None);
    }
}

/// <summary>Applies the <see cref="Mount"/> data a driver returns the way a runtime would, with /bin/mount.</summary>
internal static class Mounts
{
    /// <summary>Runs <c>mount -t {type} -o {options joined by ','} {source} {target}</c> for each mount, in order.</summary>
    public static async Task ApplyAsync(IReadOnlyList<Mount> mounts, string target, CancellationToken cancellationToken)
    {
        foreach (var mount in mounts)
        {
            List<string> arguments = ["-t", mount.Type];
            if (mount.Options.Count > 0)
                arguments.AddRange(["-o", string.Join(',', mount.Options)]);
            arguments.AddRange([mount.Source, target]);
            await RunAsync("/bin/mount", arguments, cancellationToken);
        }
    }

    /// <summary>Unmounts <paramref name="target"/> when something is mounted there (lazily if it is busy).</summary>
    public static void Unmount(string target)
    {
        if (!Under(target).Contains(target))
            return;
        if (!LinuxCalls.Unmount(target))
            throw new IOException($"cannot unmount {target}");
    }

    /// <summary>Mount points at or under <paramref name="path"/>, from /proc/self/mountinfo.</summary>
    public static List<string> Under(string path)
    {
        var result = new List<string>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length < 5)
                continue;
            var point = Unescape(fields[4]);
            if (point == path || point.StartsWith(path + "/", StringComparison.Ordinal))
                result.Add(point);
        }
        return result;
    }

    public static async Task RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0,
            $"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}{await stdout}");
    }

    // mountinfo writes space, tab, newline and backslash as \ooo.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
            return field;
        var builder = new StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length)
            {
                builder.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
                builder.Append(field[i]);
        }
        return builder.ToString();
    }
}

/// <summary>Tests that mount or chown need root and a kernel with overlay: without them they skip, or fail under CI=true.</summary>
internal static class Need
{
    public static void Root()
    {
        if (!Environment.IsPrivilegedProcess)
            Missing("this test mounts or changes owners, which needs root");
    }

    /// <summary>Root, and overlay that really mounts at <paramref name="root"/>.</summary>
    public static void Overlay(string root)
    {
        Root();
        if (OverlayDriver.WhyNotSupported(root) is { } reason)
            Missing($"overlayfs does not work at {root}: {reason}");
    }

    private static void Missing(string reason)
    {
        if (Requirements.InCi)
            Assert.Fail(reason + " (CI=true: required)");
        Assert.Skip(reason);
    }
}

internal static class MountAssert
{
    public static void Single(IReadOnlyList<Mount> mounts, string type, string source, params string[] options)
    {
        var mount = Assert.Single(mounts);
        Assert.Equal(type, mount.Type);
        Assert.Equal(source, mount.Source);
        Assert.Equal(options, mount.Options);
    }
}

internal static class HardLink
{
    /// <summary>link(2): .NET has no API for hard links.</summary>
    public static void Create(string path, string existing)
    {
        if (link(existing, path) != 0)
            throw new IOException($"link {existing} {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);
}
