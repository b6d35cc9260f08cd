using System.Text.Json.Nodes;

namespace Platform.TaskRunner.Tests.Runtime;

/// <summary>A minimal valid OCI runtime spec, shaped like <c>runc spec</c>'s output.</summary>
internal static class OciSpec
{
    public static JsonObject Create(string rootPath, string[] args, bool pidNamespace = true, bool readonlyRoot = true)
    {
        var caps = new JsonArray("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        var namespaces = new JsonArray();
        foreach (var type in new[] { "pid", "ipc", "uts", "mount", "network" })
            if (type != "pid" || pidNamespace)
                namespaces.Add(new JsonObject { ["type"] = type });
        return new JsonObject
        {
            ["ociVersion"] = "1.0.2-dev",
            ["process"] = new JsonObject
            {
                ["terminal"] = false,
                ["user"] = new JsonObject { ["uid"] = 0, ["gid"] = 0 },
                ["args"] = new JsonArray([.. args.Select(a => (JsonNode)JsonValue.Create(a))]),
                ["env"] = new JsonArray("PATH=/bin", "TERM=xterm", "FROM_INIT=yes"),
                ["cwd"] = "/",
                ["capabilities"] = new JsonObject
                {
                    ["bounding"] = caps.DeepClone(), ["effective"] = caps.DeepClone(), ["permitted"] = caps.DeepClone(), ["ambient"] = caps.DeepClone(),
                },
                ["rlimits"] = new JsonArray(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["hard"] = 1024, ["soft"] = 1024 }),
                ["noNewPrivileges"] = true,
            },
            ["root"] = new JsonObject { ["path"] = rootPath, ["readonly"] = readonlyRoot },
            ["hostname"] = "task",
            ["mounts"] = new JsonArray(
                Mount("/proc", "proc", "proc"),
                Mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
                Mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"),
                Mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
                Mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro")),
            ["linux"] = new JsonObject
            {
                ["namespaces"] = namespaces,
                ["maskedPaths"] = new JsonArray("/proc/kcore", "/proc/keys", "/sys/firmware"),
                ["readonlyPaths"] = new JsonArray("/proc/bus", "/proc/sys", "/proc/sysrq-trigger"),
            },
        };
    }

    private static JsonObject Mount(string destination, string type, string source, params string[] options) => new()
    {
        ["destination"] = destination,
        ["type"] = type,
        ["source"] = source,
        ["options"] = new JsonArray([.. options.Select(o => (JsonNode)JsonValue.Create(o))]),
    };
}
