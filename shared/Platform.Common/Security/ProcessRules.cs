using System.Text.Json;

namespace Platform.Common.Security;

/// <summary>
/// <c>process</c>: capabilities within docker's default set in every set (bounding, effective, inheritable, permitted,
/// ambient), <c>noNewPrivileges</c> true, and rlimits of known resources, soft within hard, no hard limit above the
/// host's own (where the host is known). The same rules apply to exec processes.
/// </summary>
internal static class ProcessRules
{
    private static readonly string[] CapabilitySets = ["bounding", "effective", "inheritable", "permitted", "ambient"];

    // Linux's resource names as runc takes them (setrlimit(2)).
    private static readonly HashSet<string> Resources =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE",
        "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    public static void Check(JsonElement spec, Func<string, ulong?>? hostHardLimit, SpecReader reader)
    {
        // A spec without a process runs nothing: runc refuses it, and so does the runner.
        if (reader.Object(spec, "process", "process") is { } process)
            CheckProcess(process, "process", inherits: false, hostHardLimit, reader);
    }

    /// <param name="inherits">An exec process: a field it leaves out is the init process's, not the runtime's default.</param>
    public static void CheckProcess(JsonElement process, string field, bool inherits, Func<string, ulong?>? hostHardLimit, SpecReader reader)
    {
        CheckRlimits(process, field, hostHardLimit, reader);
        if (reader.Object(process, "capabilities", $"{field}.capabilities") is { } capabilities)
        {
            foreach (var set in CapabilitySets)
            {
                var setField = $"{field}.capabilities.{set}";
                if (reader.Array(capabilities, set, setField) is not { } names)
                    continue;
                foreach (var (index, name) in reader.Strings(names, setField))
                    if (!RuntimeDefaults.Capabilities.Contains(name))
                        reader.Deny($"{setField}[{index}]", $"{name} is beyond the default set");
            }
        }

        var noNewPrivileges = reader.Bool(process, "noNewPrivileges", $"{field}.noNewPrivileges");
        if (noNewPrivileges == false)
            reader.Deny($"{field}.noNewPrivileges", "must be true, so nothing the process runs gains privileges (set-uid files)");
        else if (noNewPrivileges is null && !inherits)
            reader.Deny($"{field}.noNewPrivileges", "must be true (absent means false), so nothing the process runs gains privileges (set-uid files)");
    }

    private static void CheckRlimits(JsonElement process, string field, Func<string, ulong?>? hostHardLimit, SpecReader reader)
    {
        if (reader.Array(process, "rlimits", $"{field}.rlimits") is not { } rlimits)
            return;
        foreach (var (index, rlimit) in reader.Objects(rlimits, $"{field}.rlimits"))
        {
            var at = $"{field}.rlimits[{index}]";
            var type = reader.String(rlimit, "type", $"{at}.type");
            var hard = Limit(rlimit, "hard", at, reader);
            var soft = Limit(rlimit, "soft", at, reader);
            if (type is null)
                reader.Malformed($"{at}.type", "is required");
            if (type is null || hard is null || soft is null)
                continue;
            if (!Resources.Contains(type))
                reader.Malformed($"{at}.type", $"{type} is not a Linux resource limit (RLIMIT_NOFILE, RLIMIT_NPROC, …)");
            else if (soft > hard)
                reader.Malformed($"{at}.soft", $"{soft} is above the hard limit {hard}");
            else if (hostHardLimit?.Invoke(type) is { } host && hard > host)
                reader.Deny($"{at}.hard", $"{type} {hard} is above the host's hard limit {host}; a process may lower its limits, not raise them");
        }
    }

    // Limits are unsigned 64-bit (RLIM_INFINITY is 2^64 - 1), beyond what a long holds.
    private static ulong? Limit(JsonElement rlimit, string name, string at, SpecReader reader)
    {
        if (reader.Member(rlimit, name, $"{at}.{name}") is not { } value)
        {
            reader.Malformed($"{at}.{name}", "is required");
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var limit))
            return limit;
        reader.Malformed($"{at}.{name}", "must be a whole number from 0 to 18446744073709551615");
        return null;
    }
}
