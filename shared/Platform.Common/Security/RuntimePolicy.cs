using System.Text.Json;
using Platform.Common.Errors;

namespace Platform.Common.Security;

/// <summary>
/// The runtime policy: what an OCI runtime spec may ask for without a privileged grant in its namespace. The task
/// runner applies it to every task and exec process (the last line of defence), the metadata service to every container
/// spec it is given (so a bad spec is refused early, with the same message). Pure: a spec and a context in, the rules
/// it breaks out, each naming its JSON field.
/// <list type="bullet">
/// <item>no <c>hooks</c> (they run commands on the host);</item>
/// <item>its own pid, mount, ipc, uts and network namespaces, none joined by path;</item>
/// <item>capabilities within docker's default set, in every set of the process and of every exec process;</item>
/// <item><c>noNewPrivileges</c> true;</item>
/// <item>bind mounts only from the allowed host folders, and <c>nosuid,nodev</c>; other mounts only of kernel pseudo file
/// systems (proc at /proc only; sysfs and cgroup read-only);</item>
/// <item><c>root.path</c> the snapshot's; <c>linux.cgroupsPath</c> under <c>/platform/&lt;namespace&gt;/</c>;</item>
/// <item>devices and device rules within the default set; sysctls only the namespaced ones;</item>
/// <item>a seccomp profile that confines (absent is fine: the runner applies the default), with no listener on the host;</item>
/// <item>the default masked and read-only paths kept.</item>
/// </list>
/// </summary>
public static class RuntimePolicy
{
    /// <summary>How many violations a refusal lists before it says how many more there are.</summary>
    private const int MaxListed = 5;

    /// <summary>Every rule <paramref name="specJson"/> breaks; empty when an unprivileged caller may run it.</summary>
    public static IReadOnlyList<PolicyViolation> Check(string? specJson, PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reader = new SpecReader();
        if (Parse(specJson, "spec", reader) is { } spec)
        {
            HookRules.Check(spec, reader);
            ProcessRules.Check(spec, context.HostHardLimit, reader);
            NamespaceRules.Check(spec, reader);
            MountRules.Check(spec, context, reader);
            LinuxRules.Check(spec, context, reader);
            ConfinementRules.Check(spec, reader);
        }
        return [.. reader.Found.Distinct()];
    }

    /// <summary>
    /// Every rule an exec process (OCI process JSON) breaks. Fields it leaves out are inherited from the task's init
    /// process, which passed <see cref="Check"/> unless the task runs privileged.
    /// </summary>
    /// <param name="hostHardLimit">As <see cref="PolicyContext.HostHardLimit"/>.</param>
    public static IReadOnlyList<PolicyViolation> CheckExecProcess(string? processJson, Func<string, ulong?>? hostHardLimit = null)
    {
        var reader = new SpecReader();
        if (Parse(processJson, "process", reader) is { } process)
            ProcessRules.CheckProcess(process, "process", inherits: true, hostHardLimit, reader);
        return [.. reader.Found.Distinct()];
    }

    /// <summary>
    /// The refusal for <paramref name="violations"/> (not empty): InvalidArgument listing the malformed fields when there
    /// are any, else PermissionDenied listing the rules and the grant that would lift them.
    /// </summary>
    /// <param name="subject">What was refused, e.g. <c>container web</c>; it starts the message.</param>
    public static PlatformException Refusal(IReadOnlyList<PolicyViolation> violations, string subject, string @namespace)
    {
        if (violations.Count == 0)
            throw new ArgumentException("nothing was violated", nameof(violations));
        var malformed = violations.Where(v => v.Malformed).ToList();
        if (malformed.Count > 0)
            return PlatformException.InvalidArgument($"{subject}: {List(malformed)}");
        return PlatformException.PermissionDenied(
            $"{subject}: {List(violations)}; {(violations.Count == 1 ? "needs" : "these need")} a privileged grant in namespace \"{@namespace}\"");
    }

    /// <summary>Throws <see cref="Refusal"/> when there is anything to refuse.</summary>
    public static void Enforce(IReadOnlyList<PolicyViolation> violations, string subject, string @namespace)
    {
        if (violations.Count > 0)
            throw Refusal(violations, subject, @namespace);
    }

    private static string List(IReadOnlyList<PolicyViolation> violations) =>
        string.Join("; ", violations.Take(MaxListed)) + (violations.Count > MaxListed ? $" (and {violations.Count - MaxListed} more)" : "");

    private static JsonElement? Parse(string? json, string what, SpecReader reader)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            reader.Malformed(what, "is empty; it must be a JSON object");
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
                return document.RootElement.Clone();
            reader.Malformed(what, "must be a JSON object");
        }
        catch (JsonException e)
        {
            reader.Malformed(what, $"is not valid JSON: {e.Message}");
        }
        return null;
    }
}
