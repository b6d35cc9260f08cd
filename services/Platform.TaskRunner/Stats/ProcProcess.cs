using System.Globalization;
using Platform.Contracts.Tasks;

namespace Platform.TaskRunner.Stats;

/// <summary>One process as <c>/proc/&lt;pid&gt;/{stat,status,cmdline}</c> describe it: what <c>ps</c> would print, without <c>ps</c>.</summary>
internal static class ProcProcess
{
    /// <summary>The process; null when it exited while being read.</summary>
    public static TopProcess? Read(string procRoot, int pid, DateTimeOffset? bootTime, Func<int, string?> userName)
    {
        var folder = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        var stat = CgroupFiles.Read(Path.Combine(folder, "stat"));
        var status = CgroupFiles.Read(Path.Combine(folder, "status"));
        if (stat is null || status is null)
            return null;
        var cmdline = CgroupFiles.Read(Path.Combine(folder, "cmdline")) ?? "";
        return Parse(pid, stat, status, cmdline, bootTime, userName);
    }

    public static TopProcess? Parse(int pid, string stat, string status, string cmdline, DateTimeOffset? bootTime, Func<int, string?> userName)
    {
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so it ends at the last ')'.
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
            return null;
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 22)
            return null;
        // fields[0] is stat's field 3 (state): field N is fields[N - 3].
        long Field(int n) => CgroupFiles.Parse(fields[n - 3]) ?? 0;
        var uid = (int)(CgroupFiles.Parse(StatusValue(status, "Uid")?.Split('\t', ' ').FirstOrDefault(s => s.Length > 0)) ?? -1);
        var nsPid = StatusValue(status, "NSpid")?.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        var ticks = Field(14) + Field(15);
        return new TopProcess
        {
            Pid = pid,
            ContainerPid = CgroupFiles.Parse(nsPid) is { } inner ? (int)inner : null,
            ParentPid = (int)Field(4),
            Uid = uid,
            User = userName(uid),
            State = fields[0],
            CpuTimeMs = ticks * 1000 / HostCpu.TicksPerSecond,
            StartedAt = bootTime?.AddMilliseconds(Field(22) * 1000.0 / HostCpu.TicksPerSecond),
            VszBytes = Field(23),
            RssBytes = Field(24) * Environment.SystemPageSize,
            Command = stat[(open + 1)..close],
            Args = cmdline.Split('\0').Reverse().SkipWhile(a => a.Length == 0).Reverse().ToList(),
        };
    }

    private static string? StatusValue(string status, string key)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return line[(key.Length + 1)..].Trim();
        }
        return null;
    }
}
