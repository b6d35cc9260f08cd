using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.TaskRunner.Policy;

/// <summary>The machine a profile is converted for: its architecture (as the profile names it) and kernel version.</summary>
/// <param name="Arch">The architecture as docker's profiles name it in <c>includes.arches</c> (Go's names: <c>amd64</c>, <c>arm64</c>).</param>
/// <param name="SeccompArch">The same as libseccomp names it (<c>SCMP_ARCH_X86_64</c>), matched against the profile's <c>archMap</c>.</param>
/// <param name="Kernel">For <c>minKernel</c> conditions; major and minor count.</param>
public sealed record SeccompTarget(string Arch, string SeccompArch, Version Kernel)
{
    /// <summary>This machine.</summary>
    public static SeccompTarget Host { get; } = ForHost();

    private static SeccompTarget ForHost()
    {
        var (arch, seccomp) = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => ("amd64", "SCMP_ARCH_X86_64"),
            Architecture.Arm64 => ("arm64", "SCMP_ARCH_AARCH64"),
            Architecture.X86 => ("x86", "SCMP_ARCH_X86"),
            Architecture.Arm => ("arm", "SCMP_ARCH_ARM"),
            Architecture.Ppc64le => ("ppc64le", "SCMP_ARCH_PPC64LE"),
            Architecture.S390x => ("s390x", "SCMP_ARCH_S390X"),
            Architecture.RiscV64 => ("riscv64", "SCMP_ARCH_RISCV64"),
            Architecture.LoongArch64 => ("loong64", "SCMP_ARCH_LOONGARCH64"),
            var other => (other.ToString().ToLowerInvariant(), ""),
        };
        // On Linux, .NET reports the kernel release (uname -r) as the OS version.
        return new SeccompTarget(arch, seccomp, Environment.OSVersion.Version);
    }
}

/// <summary>
/// Turns a seccomp profile in docker's format (the one docker, podman and containers-common ship:
/// <c>defaultAction</c>, <c>archMap</c>, <c>syscalls[{names, action, args, errnoRet, includes, excludes}]</c>) into the
/// OCI spec's <c>linux.seccomp</c> for one machine and one capability set, as docker does when it starts a container:
/// <list type="bullet">
/// <item>architectures: the <c>archMap</c> entry of the machine's architecture and its sub-architectures;</item>
/// <item>a syscall rule is kept only when the machine and the capabilities meet its <c>includes</c> (every listed
/// architecture is one of them, every listed capability is in the bounding set, the kernel is at least
/// <c>minKernel</c>) and none of its <c>excludes</c> (its architecture listed, any listed capability held, the kernel at
/// least <c>minKernel</c>);</item>
/// <item><c>name</c> is read as a one-item <c>names</c>; comments and the <c>errno</c> names are dropped.</item>
/// </list>
/// </summary>
public static partial class SeccompConverter
{
    public static JsonObject ToOci(JsonObject profile, SeccompTarget target, IReadOnlyCollection<string> capabilities)
    {
        var result = new JsonObject { ["defaultAction"] = profile["defaultAction"]?.DeepClone() };
        if (profile["defaultErrnoRet"] is { } defaultErrno)
            result["defaultErrnoRet"] = defaultErrno.DeepClone();

        var architectures = new JsonArray();
        if (profile["architectures"] is JsonArray listed)
            foreach (var arch in listed)
                architectures.Add(arch?.DeepClone());
        if (profile["archMap"] is JsonArray archMap)
            foreach (var entry in archMap.OfType<JsonObject>().Where(e => (string?)e["architecture"] == target.SeccompArch))
            {
                architectures.Add(target.SeccompArch);
                if (entry["subArchitectures"] is JsonArray subs)
                    foreach (var sub in subs)
                        architectures.Add(sub?.DeepClone());
            }
        if (architectures.Count > 0)
            result["architectures"] = architectures;
        if (profile["flags"] is JsonArray flags)
            result["flags"] = flags.DeepClone();

        var syscalls = new JsonArray();
        foreach (var rule in (profile["syscalls"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (!Applies(rule["includes"] as JsonObject, rule["excludes"] as JsonObject, target, capabilities))
                continue;
            var names = rule["names"] is JsonArray { Count: > 0 } many ? many.DeepClone() : new JsonArray(rule["name"]?.DeepClone());
            var converted = new JsonObject { ["names"] = names, ["action"] = rule["action"]?.DeepClone() };
            if (rule["errnoRet"] is { } errno)
                converted["errnoRet"] = errno.DeepClone();
            if (rule["args"] is JsonArray { Count: > 0 } args)
                converted["args"] = new JsonArray([.. args.OfType<JsonObject>().Select(Argument)]);
            syscalls.Add(converted);
        }
        result["syscalls"] = syscalls;
        return result;
    }

    private static bool Applies(JsonObject? includes, JsonObject? excludes, SeccompTarget target, IReadOnlyCollection<string> capabilities)
    {
        if (excludes is not null)
        {
            if (Strings(excludes["arches"]).Contains(target.Arch))
                return false;
            if (Strings(excludes["caps"]).Any(capabilities.Contains))
                return false;
            if (MinKernel(excludes) is { } excludedFrom && AtLeast(target.Kernel, excludedFrom))
                return false;
        }
        if (includes is not null)
        {
            if (Strings(includes["arches"]) is { Count: > 0 } arches && !arches.Contains(target.Arch))
                return false;
            if (!Strings(includes["caps"]).All(capabilities.Contains))
                return false;
            if (MinKernel(includes) is { } from && !AtLeast(target.Kernel, from))
                return false;
        }
        return true;
    }

    private static JsonObject Argument(JsonObject arg)
    {
        var converted = new JsonObject();
        foreach (var field in new[] { "index", "value", "valueTwo", "op" })
            if (arg[field] is { } value)
                converted[field] = value.DeepClone();
        return converted;
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null).OfType<string>()] : [];

    /// <summary><c>minKernel</c> as major.minor (<c>"4.8"</c>, <c>"5.6.0-rc1"</c>); null when absent or unreadable.</summary>
    private static Version? MinKernel(JsonObject filter) =>
        filter["minKernel"] is JsonValue value && value.TryGetValue<string>(out var text) && KernelVersion().Match(text) is { Success: true } match
            ? new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : null;

    [GeneratedRegex(@"^(\d+)\.(\d+)")]
    private static partial Regex KernelVersion();

    private static bool AtLeast(Version kernel, Version minimum) =>
        kernel.Major != minimum.Major ? kernel.Major > minimum.Major : Math.Max(kernel.Minor, 0) >= Math.Max(minimum.Minor, 0);
}
