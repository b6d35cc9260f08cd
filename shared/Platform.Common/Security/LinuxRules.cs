using System.Text.Json;

namespace Platform.Common.Security;

/// <summary>
/// <c>linux.cgroupsPath</c> under the namespace's cgroup parent; <c>linux.devices</c> and the allow rules of
/// <c>linux.resources.devices</c> within the default devices; <c>linux.sysctl</c> only the namespaced sysctls.
/// </summary>
internal static class LinuxRules
{
    public static void Check(JsonElement spec, PolicyContext context, SpecReader reader)
    {
        if (reader.Object(spec, "linux", "linux") is not { } linux)
            return;
        CgroupsPath(linux, context, reader);
        Devices(linux, reader);
        DeviceRules(linux, reader);
        Sysctls(linux, reader);
    }

    private static void CgroupsPath(JsonElement linux, PolicyContext context, SpecReader reader)
    {
        var path = reader.String(linux, "cgroupsPath", "linux.cgroupsPath");
        if (string.IsNullOrEmpty(path))
            return; // the runner puts the task at /platform/<namespace>/<id>
        var parent = RuntimeDefaults.CgroupParent(context.Namespace);
        var below = path.StartsWith(parent, StringComparison.Ordinal) ? path[parent.Length..] : null;
        if (below is null || below.Split('/').Any(segment => segment is "" or "." or ".."))
            reader.Deny("linux.cgroupsPath", $"{path} is outside {parent}");
    }

    private static void Devices(JsonElement linux, SpecReader reader)
    {
        if (reader.Array(linux, "devices", "linux.devices") is not { } devices)
            return;
        foreach (var (index, device) in reader.Objects(devices, "linux.devices"))
        {
            var field = $"linux.devices[{index}]";
            var type = reader.String(device, "type", $"{field}.type");
            var major = reader.Number(device, "major", $"{field}.major");
            var minor = reader.Number(device, "minor", $"{field}.minor");
            var path = reader.String(device, "path", $"{field}.path");
            if (type == "p")
                continue; // a FIFO: no device behind it
            if (type is "c" or "u" && major is { } m && minor is { } n && n >= 0 && IsDefault(m, n))
                continue;
            reader.Deny(field, $"{type} {major}:{minor} ({path}) is beyond the default devices ({DefaultNames})");
        }
    }

    private static void DeviceRules(JsonElement linux, SpecReader reader)
    {
        if (reader.Object(linux, "resources", "linux.resources") is not { } resources ||
            reader.Array(resources, "devices", "linux.resources.devices") is not { } rules)
            return;
        foreach (var (index, rule) in reader.Objects(rules, "linux.resources.devices"))
        {
            var field = $"linux.resources.devices[{index}]";
            if (reader.Bool(rule, "allow", $"{field}.allow") != true)
                continue; // a deny rule only takes away
            var access = reader.String(rule, "access", $"{field}.access");
            if (access is { Length: > 0 } && access.All(c => c == 'm'))
                continue; // mknod alone: opening the node still needs a rule of its own
            var type = reader.String(rule, "type", $"{field}.type") ?? "a";
            var major = reader.Number(rule, "major", $"{field}.major");
            var minor = reader.Number(rule, "minor", $"{field}.minor");
            if (type == "c" && major is { } m && IsDefault(m, minor ?? -1))
                continue;
            reader.Deny(field, $"allowing {type} {major?.ToString() ?? "*"}:{minor?.ToString() ?? "*"} {(string.IsNullOrEmpty(access) ? "rwm" : access)} is beyond the default devices ({DefaultNames})");
        }
    }

    private static void Sysctls(JsonElement linux, SpecReader reader)
    {
        if (reader.Object(linux, "sysctl", "linux.sysctl") is not { } sysctls)
            return;
        foreach (var sysctl in sysctls.EnumerateObject())
        {
            var key = sysctl.Name;
            // runc turns the dots into slashes under /proc/sys: a key must be a plain dotted name to stay where it says.
            var plain = key.Length > 0 && !key.Contains('/') && key.Split('.').All(part => part.Length > 0);
            if (plain && (RuntimeDefaults.IpcSysctls.Contains(key) || key.StartsWith(RuntimeDefaults.MqueueSysctlPrefix, StringComparison.Ordinal) ||
                          key.StartsWith(RuntimeDefaults.NetSysctlPrefix, StringComparison.Ordinal)))
                continue;
            reader.Deny($"linux.sysctl[\"{key}\"]", "is not a namespaced sysctl (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*): it would change the host");
        }
    }

    /// <param name="minor">-1: every minor of <paramref name="major"/>.</param>
    private static bool IsDefault(long major, long minor) =>
        RuntimeDefaults.Devices.Any(d => d.Major == major && (d.Minor == -1 || d.Minor == minor));

    private static string DefaultNames => string.Join(", ", RuntimeDefaults.Devices.Select(d => d.Name));
}
