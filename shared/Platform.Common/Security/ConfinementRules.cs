using System.Text.Json;

namespace Platform.Common.Security;

/// <summary>
/// What confines the container beyond namespaces: a seccomp profile that refuses what it does not list (absent is
/// fine: the task runner applies the default profile) and hands nothing to the host, and the default masked and
/// read-only paths.
/// </summary>
internal static class ConfinementRules
{
    public static void Check(JsonElement spec, SpecReader reader)
    {
        var linux = reader.Object(spec, "linux", "linux");
        if (linux is { } l)
            Seccomp(l, reader);
        KeptPaths(linux, reader);
    }

    private static void Seccomp(JsonElement linux, SpecReader reader)
    {
        if (reader.Object(linux, "seccomp", "linux.seccomp") is not { } seccomp)
            return;
        var action = reader.String(seccomp, "defaultAction", "linux.seccomp.defaultAction");
        if (action is null or "SCMP_ACT_ALLOW" or "SCMP_ACT_LOG")
            reader.Deny("linux.seccomp.defaultAction", $"{action ?? "absent"}: the profile would leave the container unconfined (leave linux.seccomp out to get the default profile)");
        if (reader.String(seccomp, "listenerPath", "linux.seccomp.listenerPath") is { Length: > 0 } listener)
            reader.Deny("linux.seccomp.listenerPath", $"hands the container's system calls to {listener}, a socket of the host");
    }

    private static void KeptPaths(JsonElement? linux, SpecReader reader)
    {
        var masked = Paths(linux, "maskedPaths", reader);
        var readOnly = Paths(linux, "readonlyPaths", reader);
        var unmasked = RuntimeDefaults.MaskedPaths.Where(p => !masked.Contains(p)).ToList();
        if (unmasked.Count > 0)
            reader.Deny("linux.maskedPaths", $"{string.Join(", ", unmasked)} must stay masked");
        // A masked path is hidden altogether, which is stricter than read-only.
        var writable = RuntimeDefaults.ReadonlyPaths.Where(p => !readOnly.Contains(p) && !masked.Contains(p)).ToList();
        if (writable.Count > 0)
            reader.Deny("linux.readonlyPaths", $"{string.Join(", ", writable)} must stay read-only");
    }

    private static HashSet<string> Paths(JsonElement? linux, string name, SpecReader reader)
    {
        var field = $"linux.{name}";
        if (linux is not { } l || reader.Array(l, name, field) is not { } list)
            return [];
        return [.. reader.Strings(list, field).Select(p => MountRules.Lexical(p.Value))];
    }
}
