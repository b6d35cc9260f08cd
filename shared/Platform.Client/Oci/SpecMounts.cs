using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.Common.Errors;

namespace Platform.Client.Oci;

/// <summary>What a mount brings into the container.</summary>
public enum MountKind
{
    /// <summary>A folder or file of the host, bind-mounted.</summary>
    Bind,

    /// <summary>A named volume of the resource GC service, bind-mounted from its folder.</summary>
    Volume,

    /// <summary>A fresh tmpfs, gone with the task.</summary>
    Tmpfs,
}

/// <summary>One mount the user asked for (<c>-v</c>, <c>--mount</c>, <c>--tmpfs</c>), before it becomes a spec mount.</summary>
public sealed record MountRequest
{
    /// <summary>Required. What is mounted.</summary>
    public required MountKind Kind { get; init; }

    /// <summary>The host path (bind, absolute) or the volume name (volume); null for tmpfs.</summary>
    public string? Source { get; init; }

    /// <summary>Required. Where it appears inside the container (absolute).</summary>
    public required string Target { get; init; }

    /// <summary>Optional. Mounted read-only.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Optional. tmpfs options as the kernel takes them (<c>size=64m</c>, <c>mode=1777</c>, <c>exec</c>), after docker's defaults.</summary>
    public IReadOnlyList<string> TmpfsOptions { get; init; } = [];
}

/// <summary>
/// docker's mount syntax (<c>-v HOST:CTR[:ro]</c>, <c>-v NAME:CTR</c>, <c>--mount type=…</c>, <c>--tmpfs CTR[:opts]</c>)
/// read into <see cref="MountRequest"/>s, and those written into an OCI spec. Bind mounts are always
/// <c>rbind,nosuid,nodev</c> (what the runtime policy requires of an unprivileged spec); tmpfs mounts get docker's
/// <c>nosuid,nodev,noexec</c> unless the options say otherwise.
/// </summary>
public static partial class SpecMounts
{
    /// <summary>docker's defaults for a tmpfs mount.</summary>
    public static readonly IReadOnlyList<string> TmpfsDefaults = ["nosuid", "nodev", "noexec"];

    /// <summary><c>-v HOST:CTR[:ro|rw]</c> (HOST absolute: a bind mount) or <c>-v NAME:CTR[:ro|rw]</c> (a named volume).</summary>
    public static MountRequest ParseVolumeFlag(string value, string flag = "--volume")
    {
        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0)
            throw Invalid(flag, value, "must be SOURCE:TARGET[:ro|rw] (a host path or a volume name, then an absolute path in the container); anonymous volumes are not supported");
        var readOnly = false;
        if (parts.Length == 3)
        {
            foreach (var option in parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (option is "ro" or "readonly")
                    readOnly = true;
                else if (option == "rw")
                    readOnly = false;
                else
                    throw Invalid(flag, value, $"option \"{option}\" is not supported (use ro or rw)");
            }
        }
        var kind = parts[0].StartsWith('/') ? MountKind.Bind : MountKind.Volume;
        if (kind == MountKind.Bind && parts[0].StartsWith('.'))
            throw Invalid(flag, value, "a host path must be absolute");
        return Checked(new MountRequest { Kind = kind, Source = parts[0], Target = parts[1], ReadOnly = readOnly }, flag, value);
    }

    /// <summary><c>--mount type=bind|volume|tmpfs,source=…,target=…[,readonly][,tmpfs-size=…][,tmpfs-mode=…]</c>.</summary>
    public static MountRequest ParseMountFlag(string value, string flag = "--mount")
    {
        string? type = null, source = null, target = null;
        var readOnly = false;
        var tmpfs = new List<string>();
        foreach (var field in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = field.IndexOf('=');
            var key = equals < 0 ? field : field[..equals];
            var item = equals < 0 ? null : field[(equals + 1)..];
            switch (key)
            {
                case "type":
                    type = item;
                    break;
                case "source" or "src":
                    source = item;
                    break;
                case "target" or "destination" or "dst":
                    target = item;
                    break;
                case "readonly" or "ro":
                    readOnly = item switch
                    {
                        null or "true" or "1" => true,
                        "false" or "0" => false,
                        _ => throw Invalid(flag, value, $"{key}={item} must be true or false"),
                    };
                    break;
                case "tmpfs-size":
                    tmpfs.Add("size=" + Size(item, flag, value));
                    break;
                case "tmpfs-mode":
                    if (item is null || !OctalMode().IsMatch(item))
                        throw Invalid(flag, value, $"tmpfs-mode \"{item}\" must be an octal mode such as 1777");
                    tmpfs.Add("mode=" + item);
                    break;
                default:
                    throw Invalid(flag, value, $"key \"{key}\" is not supported (type, source, target, readonly, tmpfs-size, tmpfs-mode)");
            }
        }
        var kind = type switch
        {
            "bind" => MountKind.Bind,
            "volume" => MountKind.Volume,
            "tmpfs" => MountKind.Tmpfs,
            null => throw Invalid(flag, value, "type is required (bind, volume or tmpfs)"),
            _ => throw Invalid(flag, value, $"type \"{type}\" is not supported (bind, volume or tmpfs)"),
        };
        if (target is null)
            throw Invalid(flag, value, "target is required");
        if (kind == MountKind.Tmpfs && source is not null)
            throw Invalid(flag, value, "a tmpfs mount has no source");
        if (kind != MountKind.Tmpfs && string.IsNullOrEmpty(source))
            throw Invalid(flag, value, $"a {type} mount needs a source");
        if (kind != MountKind.Tmpfs && tmpfs.Count > 0)
            throw Invalid(flag, value, "tmpfs-size and tmpfs-mode apply to type=tmpfs only");
        if (kind == MountKind.Bind && !source!.StartsWith('/'))
            throw Invalid(flag, value, $"a bind source must be an absolute host path (got \"{source}\")");
        return Checked(new MountRequest { Kind = kind, Source = source, Target = target, ReadOnly = readOnly, TmpfsOptions = tmpfs }, flag, value);
    }

    /// <summary><c>--tmpfs CTR[:opt,opt…]</c>, options as mount(8) takes them (<c>size=64m</c>, <c>mode=1777</c>, <c>exec</c>, <c>ro</c>).</summary>
    public static MountRequest ParseTmpfsFlag(string value, string flag = "--tmpfs")
    {
        var colon = value.IndexOf(':');
        var target = colon < 0 ? value : value[..colon];
        var options = colon < 0 ? [] : value[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
        var tmpfs = new List<string>();
        var readOnly = false;
        foreach (var option in options)
        {
            if (option.StartsWith("size=", StringComparison.Ordinal))
                tmpfs.Add("size=" + Size(option[5..], flag, value));
            else if (option.StartsWith("mode=", StringComparison.Ordinal) && OctalMode().IsMatch(option[5..]))
                tmpfs.Add(option);
            else if (option == "ro")
                readOnly = true;
            else if (option is "rw" or "exec" or "noexec" or "suid" or "nosuid" or "dev" or "nodev")
            {
                if (option is "suid" or "dev")
                    throw Invalid(flag, value, $"option \"{option}\" is not allowed (tmpfs mounts stay nosuid,nodev)");
                tmpfs.Add(option);
            }
            else
                throw Invalid(flag, value, $"option \"{option}\" is not supported (size=, mode=, ro, rw, exec, noexec)");
        }
        return Checked(new MountRequest { Kind = MountKind.Tmpfs, Target = target, ReadOnly = readOnly, TmpfsOptions = tmpfs }, flag, value);
    }

    /// <summary>
    /// Adds the mounts to <paramref name="spec"/>'s <c>mounts</c> (after the defaults, so they win where they overlap),
    /// and makes the root read-only when asked. Volume mounts must have been resolved to their host folder
    /// (<paramref name="volumeFolder"/> gives it for a volume name).
    /// </summary>
    public static void Apply(JsonObject spec, IEnumerable<MountRequest> mounts, bool readOnlyRoot, Func<string, string>? volumeFolder = null)
    {
        if (spec["mounts"] is not JsonArray list)
            spec["mounts"] = list = [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mount in mounts)
        {
            if (!seen.Add(mount.Target.TrimEnd('/')))
                throw PlatformException.InvalidArgument($"mount target {mount.Target} is given twice");
            list.Add((JsonNode)ToSpec(mount, volumeFolder)); // JsonNode: the generic Add<T> needs reflection (AOT)
        }
        if (readOnlyRoot)
        {
            if (spec["root"] is not JsonObject root)
                spec["root"] = root = new JsonObject { ["path"] = "rootfs" };
            root["readonly"] = true;
        }
    }

    private static JsonObject ToSpec(MountRequest mount, Func<string, string>? volumeFolder)
    {
        var options = new JsonArray();
        switch (mount.Kind)
        {
            case MountKind.Tmpfs:
                var given = mount.TmpfsOptions;
                foreach (var d in TmpfsDefaults.Where(d => !given.Contains(Opposite(d))))
                    options.Add((JsonNode)d);
                foreach (var o in given.Where(o => !TmpfsDefaults.Contains(o)))
                    options.Add((JsonNode)o);
                if (mount.ReadOnly)
                    options.Add((JsonNode)"ro");
                return new JsonObject { ["destination"] = mount.Target, ["type"] = "tmpfs", ["source"] = "tmpfs", ["options"] = options };
            default:
                var source = mount.Kind == MountKind.Bind
                    ? mount.Source!
                    : volumeFolder?.Invoke(mount.Source!) ?? throw new InvalidOperationException($"volume {mount.Source} was not resolved to its folder");
                foreach (var o in new[] { "rbind", "nosuid", "nodev", mount.ReadOnly ? "ro" : "rw" })
                    options.Add((JsonNode)o);
                return new JsonObject { ["destination"] = mount.Target, ["type"] = "bind", ["source"] = source, ["options"] = options };
        }
    }

    private static string Opposite(string option) => option.StartsWith("no", StringComparison.Ordinal) ? option[2..] : "no" + option;

    private static MountRequest Checked(MountRequest mount, string flag, string value)
    {
        if (!mount.Target.StartsWith('/'))
            throw Invalid(flag, value, $"the target \"{mount.Target}\" must be an absolute path in the container");
        if (mount.Target.Split('/').Contains(".."))
            throw Invalid(flag, value, $"the target \"{mount.Target}\" must not contain \"..\"");
        return mount;
    }

    private static string Size(string? size, string flag, string value) =>
        size is not null && TmpfsSize().IsMatch(size) ? size.ToLowerInvariant()
            : throw Invalid(flag, value, $"size \"{size}\" must be a number of bytes with an optional k, m or g suffix");

    private static PlatformException Invalid(string flag, string value, string rule) =>
        PlatformException.InvalidArgument($"{flag} \"{value}\": {rule}");

    [GeneratedRegex("^[0-9]+[kmgKMG]?$")]
    private static partial Regex TmpfsSize();

    [GeneratedRegex("^[0-7]{3,4}$")]
    private static partial Regex OctalMode();
}
