using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Common.Errors;

namespace Platform.Client.Oci;

/// <summary>
/// docker's syntax for limits, each parser naming the flag it reads in its InvalidArgument message, with the rule:
/// sizes (<c>64m</c>, <c>1.5g</c>, <c>512k</c>, plain bytes; binary units), <c>--cpus</c> as a decimal number of CPUs,
/// <c>--ulimit name=soft[:hard]</c>, capability names with or without <c>CAP_</c> in any case.
/// </summary>
public static partial class LimitSyntax
{
    /// <summary>docker's minimum memory limit: less and the container's own runtime cannot start in it.</summary>
    public const long MinimumMemory = 6 * 1024 * 1024;

    /// <summary>docker's CPU period (microseconds) for <c>--cpus</c>.</summary>
    public const ulong CpuPeriod = 100_000;

    /// <summary>The smallest quota the kernel takes (1 ms), so <c>--cpus</c> is at least 0.01.</summary>
    public const long MinimumCpuQuota = 1_000;

    /// <summary>The kernel's range of cgroup v1 <c>cpu.shares</c>.</summary>
    public const ulong MinimumCpuShares = 2, MaximumCpuShares = 262_144;

    /// <summary>Every Linux capability (up to 5.x kernels), as the OCI spec names them.</summary>
    public static readonly IReadOnlyList<string> AllCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
        "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary><c>--ulimit</c> names (docker's) and the OCI rlimit each stands for.</summary>
    public static readonly IReadOnlyDictionary<string, string> UlimitNames = new[]
    {
        "as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio",
        "rttime", "sigpending", "stack",
    }.ToDictionary(n => n, n => "RLIMIT_" + n.ToUpperInvariant(), StringComparer.Ordinal);

    /// <summary>A size in bytes: digits (a decimal fraction allowed) and an optional unit b, k, m, g, t (binary; "kb", "kib" too).</summary>
    /// <exception cref="PlatformException">InvalidArgument naming <paramref name="flag"/>.</exception>
    public static long Size(string value, string flag)
    {
        var match = SizePattern().Match(value.Trim());
        if (!match.Success || !decimal.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            throw PlatformException.InvalidArgument($"{flag}: \"{value}\" must be a size like 64m (units b, k, m, g, t)");
        var unit = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "" or "b" => 1m,
            "k" => 1024m,
            "m" => 1024m * 1024,
            "g" => 1024m * 1024 * 1024,
            _ => 1024m * 1024 * 1024 * 1024,
        };
        var bytes = number * unit;
        if (bytes > long.MaxValue)
            throw PlatformException.InvalidArgument($"{flag}: \"{value}\" is too large");
        return (long)bytes;
    }

    /// <summary><c>--memory</c>: a size of at least <see cref="MinimumMemory"/>.</summary>
    public static long Memory(string value, string flag = "--memory")
    {
        var bytes = Size(value, flag);
        if (bytes < MinimumMemory)
            throw PlatformException.InvalidArgument($"{flag}: must be a size like 64m, at least 6 MiB (got \"{value}\")");
        return bytes;
    }

    /// <summary>
    /// <c>--memory-swap</c>: -1 (unlimited swap) or memory plus swap, at least <paramref name="memory"/>; only with a
    /// memory limit.
    /// </summary>
    public static long MemorySwap(string value, long? memory, string flag = "--memory-swap", string memoryFlag = "--memory")
    {
        if (memory is null)
            throw PlatformException.InvalidArgument($"{flag}: needs {memoryFlag} as well (it is the limit of memory plus swap)");
        if (value.Trim() == "-1")
            return -1;
        var bytes = Size(value, flag);
        if (bytes < memory)
            throw PlatformException.InvalidArgument($"{flag}: must be -1 (unlimited) or a size at least the {memoryFlag} limit (memory plus swap)");
        return bytes;
    }

    /// <summary><c>--cpus</c>: a decimal number of CPUs from 0.01; the quota per <see cref="CpuPeriod"/>.</summary>
    public static long CpuQuota(string value, string flag = "--cpus")
    {
        if (!decimal.TryParse(value.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus) ||
            cpus * CpuPeriod < MinimumCpuQuota || cpus > 1_000_000)
            throw PlatformException.InvalidArgument($"{flag}: must be a number of CPUs like 1.5, at least 0.01 (got \"{value}\")");
        return (long)decimal.Round(cpus * CpuPeriod);
    }

    /// <summary><c>--cpu-shares</c>: an integer from 2 to 262144.</summary>
    public static ulong CpuShares(string value, string flag = "--cpu-shares")
    {
        if (!ulong.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var shares) || shares is < MinimumCpuShares or > MaximumCpuShares)
            throw PlatformException.InvalidArgument($"{flag}: must be an integer from {MinimumCpuShares} to {MaximumCpuShares} (got \"{value}\")");
        return shares;
    }

    /// <summary><c>--pids-limit</c>: a positive integer, or -1 (or 0, as docker takes it) for unlimited.</summary>
    public static long PidsLimit(string value, string flag = "--pids-limit")
    {
        if (!long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit) || limit < -1)
            throw PlatformException.InvalidArgument($"{flag}: must be a positive integer, or -1 for unlimited (got \"{value}\")");
        return limit == 0 ? -1 : limit;
    }

    /// <summary><c>--ulimit name=soft[:hard]</c> (hard defaults to soft; <c>-1</c> or <c>unlimited</c> for no limit; soft at most hard).</summary>
    public static Ulimit Ulimit(string value, string flag = "--ulimit")
    {
        var equals = value.IndexOf('=');
        var name = equals > 0 ? value[..equals].Trim() : "";
        if (!UlimitNames.TryGetValue(name, out var type))
            throw PlatformException.InvalidArgument(
                $"{flag}: \"{value}\" must be NAME=SOFT[:HARD] with NAME one of {string.Join(", ", UlimitNames.Keys)}");
        var limits = value[(equals + 1)..].Split(':');
        if (limits.Length > 2 || Limit(limits[0]) is not { } soft || Limit(limits[^1]) is not { } hard)
            throw PlatformException.InvalidArgument($"{flag}: \"{value}\" must be {name}=SOFT[:HARD], each a number or -1 for unlimited");
        if (soft > hard)
            throw PlatformException.InvalidArgument($"{flag}: \"{value}\": the soft limit must not exceed the hard limit");
        return new Ulimit(type, soft, hard);

        static ulong? Limit(string text) =>
            text.Trim() is "-1" or "unlimited" ? ulong.MaxValue
            : ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    /// <summary>A capability name (<c>net_admin</c>, <c>CAP_NET_ADMIN</c>) in the OCI form, or <c>ALL</c>.</summary>
    public static string Capability(string value, string flag)
    {
        var name = value.Trim().ToUpperInvariant();
        if (name == "ALL")
            return name;
        if (!name.StartsWith("CAP_", StringComparison.Ordinal))
            name = "CAP_" + name;
        if (!AllCapabilities.Contains(name))
            throw PlatformException.InvalidArgument($"{flag}: \"{value}\" is not a Linux capability (e.g. NET_ADMIN, CAP_SYS_TIME, or ALL)");
        return name;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?) ?([bBkKmMgGtT]?)(?:[iI]?[bB])?$")]
    private static partial Regex SizePattern();
}
