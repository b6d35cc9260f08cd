using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Common.Security;

namespace Platform.Client.Oci;

/// <summary>What a default spec is made for: the process to run and where its root filesystem is.</summary>
public sealed record DefaultSpecOptions
{
    /// <summary>Required. The command and its arguments.</summary>
    public required IReadOnlyList<string> Args { get; init; }

    /// <summary>
    /// Optional. <c>KEY=VALUE</c> variables, added to <see cref="DefaultSpec.DefaultPath"/>; a given <c>PATH=</c>
    /// replaces it, and a later duplicate key replaces an earlier one.
    /// </summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Optional. Working directory inside the container; <c>/</c> when null or empty.</summary>
    public string? Cwd { get; init; }

    /// <summary>Optional. <c>root.path</c>: relative to the bundle (the runner mounts the snapshot at <c>rootfs</c>) or absolute.</summary>
    public string RootPath { get; init; } = "rootfs";

    /// <summary>Optional. Mount the root filesystem read-only.</summary>
    public bool ReadonlyRoot { get; init; }

    /// <summary>Optional. The container's hostname (usually its id); none when null.</summary>
    public string? Hostname { get; init; }

    /// <summary>
    /// Optional. The user to run as, as an image or <c>-u</c> gives it (<c>name</c>, <c>uid</c>, <c>uid:gid</c>,
    /// <c>name:group</c>); root when null or empty. Ids given as numbers are written as they are; the task runner
    /// resolves names (and a uid's groups) from the container's own /etc/passwd and /etc/group once its root filesystem
    /// is mounted (see <see cref="DefaultSpec.UserNameField"/>).
    /// </summary>
    public string? User { get; init; }

    /// <summary>Optional. Resource limits, rlimits and capability changes (<c>run --memory</c>, ...); none when null.</summary>
    public ResourceLimits? Limits { get; init; }

    /// <summary>Optional. Run the process on a terminal (<c>-t</c>: <c>process.terminal</c>, and <c>TERM=xterm</c> unless set).</summary>
    public bool Terminal { get; init; }

    /// <summary>Optional. Keep the process's stdin open for the client to write (<c>-i</c>; see <see cref="SpecStdio"/>).</summary>
    public bool OpenStdin { get; init; }
}

/// <summary>
/// The OCI runtime spec a container gets when the user gives none: root in its own pid, ipc, uts, mount and network
/// namespaces, with containerd's default capabilities, no new privileges, the usual /proc, /dev and /sys mounts
/// and the kernel files masked or made read-only as <c>runc spec</c> does.
/// </summary>
public static class DefaultSpec
{
    public const string OciVersion = "1.0.2";

    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// <c>process.user.username</c>: the OCI spec's user name field (used by runtimes on other platforms; runc ignores it).
    /// Platform's task runner reads it, resolves it in the container's root filesystem and writes the ids in its place.
    /// </summary>
    public const string UserNameField = "username";

    // The lists the runtime policy holds every unprivileged spec to: the default spec asks for exactly these.

    /// <summary>containerd's (and docker's) default set: what a root process in a container keeps.</summary>
    public static readonly IReadOnlyList<string> Capabilities = RuntimeDefaults.Capabilities;

    public static readonly IReadOnlyList<string> Namespaces = ["pid", "ipc", "uts", "mount", "network"];

    public static readonly IReadOnlyList<string> MaskedPaths = RuntimeDefaults.MaskedPaths;

    public static readonly IReadOnlyList<string> ReadonlyPaths = RuntimeDefaults.ReadonlyPaths;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The spec as indented JSON.</summary>
    /// <exception cref="ArgumentException">No args, or an env item that is not <c>KEY=VALUE</c>.</exception>
    public static string Create(DefaultSpecOptions options) => Build(options).ToJsonString(Indented);

    /// <summary>The spec as a JSON tree, for callers that change it further.</summary>
    public static JsonObject Build(DefaultSpecOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Args.Count == 0)
            throw new ArgumentException("the process needs at least one argument (the program)", nameof(options));
        var spec = new JsonObject
        {
            ["ociVersion"] = OciVersion,
            ["process"] = Process(options.Args, Environment(options.Env), string.IsNullOrEmpty(options.Cwd) ? "/" : options.Cwd, User(options.User)),
            ["root"] = new JsonObject { ["path"] = options.RootPath, ["readonly"] = options.ReadonlyRoot },
        };
        if (!string.IsNullOrEmpty(options.Hostname))
            spec["hostname"] = options.Hostname;
        spec["mounts"] = Mounts();
        spec["linux"] = new JsonObject
        {
            ["resources"] = new JsonObject
            {
                ["devices"] = new JsonArray(new JsonObject { ["allow"] = false, ["access"] = "rwm" }),
            },
            ["namespaces"] = new JsonArray([.. Namespaces.Select(type => (JsonNode)new JsonObject { ["type"] = type })]),
            ["maskedPaths"] = Strings(MaskedPaths),
            ["readonlyPaths"] = Strings(ReadonlyPaths),
        };
        SpecResources.Apply(spec, options.Limits);
        SpecStdio.Apply(spec, options.Terminal, options.OpenStdin);
        return spec;
    }

    /// <summary>
    /// <see cref="DefaultPath"/> followed by <paramref name="given"/>; a key given again replaces the earlier value
    /// in its place.
    /// </summary>
    public static IReadOnlyList<string> Environment(IEnumerable<string> given)
    {
        var result = new List<string> { DefaultPath };
        foreach (var item in given)
        {
            var equals = item.IndexOf('=');
            if (equals <= 0)
                throw new ArgumentException($"environment variable \"{item}\" must be KEY=VALUE", nameof(given));
            var prefix = item[..(equals + 1)];
            var existing = result.FindIndex(e => e.StartsWith(prefix, StringComparison.Ordinal));
            if (existing >= 0)
                result[existing] = item;
            else
                result.Add(item);
        }
        return result;
    }

    /// <summary><c>uid[:gid]</c> as numbers; anything else (a name) for the runner to resolve, with root ids until it does.</summary>
    private static JsonObject User(string? user)
    {
        if (string.IsNullOrWhiteSpace(user))
            return new JsonObject { ["uid"] = 0, ["gid"] = 0 };
        var parts = user.Split(':', 2);
        if (uint.TryParse(parts[0], out var uid) && (parts.Length == 1 || uint.TryParse(parts[1], out _)))
            return new JsonObject { ["uid"] = uid, ["gid"] = parts.Length == 2 ? uint.Parse(parts[1]) : 0u, [UserNameField] = user };
        return new JsonObject { ["uid"] = 0, ["gid"] = 0, [UserNameField] = user };
    }

    private static JsonObject Process(IReadOnlyList<string> args, IReadOnlyList<string> env, string cwd, JsonObject user) => new()
    {
        ["terminal"] = false,
        ["user"] = user,
        ["args"] = Strings(args),
        ["env"] = Strings(env),
        ["cwd"] = cwd,
        ["capabilities"] = new JsonObject
        {
            ["bounding"] = Strings(Capabilities),
            ["effective"] = Strings(Capabilities),
            ["permitted"] = Strings(Capabilities),
        },
        ["rlimits"] = new JsonArray(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["hard"] = 1024, ["soft"] = 1024 }),
        ["noNewPrivileges"] = true,
    };

    // The constructor, not a collection expression: that would call JsonArray.Add<T>, which a native build can't compile.
    private static JsonArray Mounts() => new(
        Mount("/proc", "proc", "proc"),
        Mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
        Mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
        Mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
        Mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
        Mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
        Mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"));

    private static JsonObject Mount(string destination, string type, string source, params string[] options)
    {
        var mount = new JsonObject { ["destination"] = destination, ["type"] = type, ["source"] = source };
        if (options.Length > 0)
            mount["options"] = Strings(options);
        return mount;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);
}
