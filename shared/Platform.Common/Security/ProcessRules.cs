using System.Text.Json;

namespace Platform.Common.Security;

/// <summary>
/// <c>process</c>: capabilities within docker's default set in every set (bounding, effective, inheritable, permitted,
/// ambient), and <c>noNewPrivileges</c> true. The same rules apply to exec processes.
/// </summary>
internal static class ProcessRules
{
    private static readonly string[] CapabilitySets = ["bounding", "effective", "inheritable", "permitted", "ambient"];

    public static void Check(JsonElement spec, SpecReader reader)
    {
        // A spec without a process runs nothing: runc refuses it, and so does the runner.
        if (reader.Object(spec, "process", "process") is { } process)
            CheckProcess(process, "process", inherits: false, reader);
    }

    /// <param name="inherits">An exec process: a field it leaves out is the init process's, not the runtime's default.</param>
    public static void CheckProcess(JsonElement process, string field, bool inherits, SpecReader reader)
    {
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
}
