namespace Platform.TaskRunner.Stats;

/// <summary>
/// Network bytes of a process's network namespace, from <c>/proc/&lt;pid&gt;/net/dev</c> (which shows the namespace of
/// that process), loopback left out as docker does.
/// </summary>
internal static class NetDev
{
    /// <summary>
    /// Bytes received and sent by <paramref name="pid"/>'s namespace; nulls when it is unreadable or when the task
    /// shares the runner's own namespace (those would be the host's numbers, not the task's).
    /// </summary>
    public static (long? Rx, long? Tx) Read(string procRoot, int pid)
    {
        var own = LinkTarget(Path.Combine(procRoot, "self", "ns", "net"));
        var its = LinkTarget(Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "ns", "net"));
        if (its is null || its == own)
            return (null, null);
        return Parse(CgroupFiles.Read(Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "net", "dev")));
    }

    public static (long? Rx, long? Tx) Parse(string? text)
    {
        if (text is null)
            return (null, null);
        long rx = 0, tx = 0;
        // Two header lines, then "  iface: rx_bytes packets errs drop fifo frame compressed multicast tx_bytes ...".
        foreach (var line in text.Split('\n').Skip(2))
        {
            var colon = line.IndexOf(':');
            if (colon < 0 || line[..colon].Trim() == "lo")
                continue;
            var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 9)
                continue;
            rx += CgroupFiles.Parse(fields[0]) ?? 0;
            tx += CgroupFiles.Parse(fields[8]) ?? 0;
        }
        return (rx, tx);
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
