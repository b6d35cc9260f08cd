using System.Runtime.InteropServices;

namespace Platform.TaskRunner.Policy;

/// <summary>
/// The runner's own hard resource limits (getrlimit(2)): what a task's process gets when its spec sets none, so the
/// ceiling an unprivileged spec's rlimits may not rise above.
/// </summary>
internal static class HostLimits
{
    // Linux's resource numbers, the same on x86_64 and arm64 (asm-generic/resource.h).
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal)
    {
        ["RLIMIT_CPU"] = 0, ["RLIMIT_FSIZE"] = 1, ["RLIMIT_DATA"] = 2, ["RLIMIT_STACK"] = 3, ["RLIMIT_CORE"] = 4,
        ["RLIMIT_RSS"] = 5, ["RLIMIT_NPROC"] = 6, ["RLIMIT_NOFILE"] = 7, ["RLIMIT_MEMLOCK"] = 8, ["RLIMIT_AS"] = 9,
        ["RLIMIT_LOCKS"] = 10, ["RLIMIT_SIGPENDING"] = 11, ["RLIMIT_MSGQUEUE"] = 12, ["RLIMIT_NICE"] = 13,
        ["RLIMIT_RTPRIO"] = 14, ["RLIMIT_RTTIME"] = 15,
    };

    /// <summary>The hard limit for <paramref name="resource"/> (<c>RLIMIT_NOFILE</c>…), or null when unknown.</summary>
    public static ulong? Hard(string resource)
    {
        if (!OperatingSystem.IsLinux() || !Numbers.TryGetValue(resource, out var number))
            return null;
        return getrlimit(number, out var limit) == 0 ? limit.Max : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);
}
