using System.Runtime.InteropServices;

namespace Platform.TaskRunner.Policy;

/// <summary>Where a host path really leads, symlinks followed (libc's <c>realpath</c>), as runc's bind mount will follow them.</summary>
internal static class HostPaths
{
    /// <summary>The resolved path; <paramref name="path"/> itself when it does not exist (runc then fails to mount it).</summary>
    public static string Resolve(string path)
    {
        var resolved = realpath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
            return path;
        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? path;
        }
        finally
        {
            free(resolved);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath(string path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);
}
