using System.ComponentModel.DataAnnotations;

namespace Platform.TaskRunner.Networks;

/// <summary>Configuration section <c>TaskRunner:Networks</c>: the address pool of new networks, and how tasks are attached through CNI.</summary>
public sealed class NetworkOptions : IValidatableObject
{
    public const string Section = "TaskRunner:Networks";

    /// <summary>
    /// Where networks created without a subnet get theirs: the first /24 of this IPv4 range that overlaps no network
    /// on the node. A CIDR with a prefix of at most /24. Default <c>10.89.0.0/16</c> (256 networks).
    /// </summary>
    [Required]
    public string Pool { get; set; } = "10.89.0.0/16";

    /// <summary>
    /// The network a task joins when its container has no <c>platform.io/network</c> label: a network's name,
    /// <c>none</c> (its own namespace with loopback only) or <c>host</c>. Default <c>none</c> for now.
    /// </summary>
    public string Default { get; set; } = Platform.Common.Networks.NetworkLabels.None;

    /// <summary>
    /// A network namespace file (e.g. <c>/run/netns/x</c>) every CNI plugin runs in, so bridges, the host ends of
    /// veths and iptables rules are made there. Default empty: the runner's own network namespace.
    /// </summary>
    public string HostNamespace { get; set; } = "";

    /// <summary>Where CNI plugins are looked up, folders separated by <c>:</c> (CNI_PATH). Default <c>/usr/lib/cni</c> (Debian).</summary>
    public string PluginPath { get; set; } = "/usr/lib/cni";

    /// <summary>How long one plugin invocation may take before it is killed. Default 1 minute.</summary>
    public TimeSpan PluginTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How to start <paramref name="program"/> in the network namespace the plugins work in: as it is, or under
    /// <c>nsenter --net</c> when <see cref="HostNamespace"/> is set. Output and error are redirected.
    /// </summary>
    public System.Diagnostics.ProcessStartInfo HostSide(string program, params IEnumerable<string> args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(string.IsNullOrEmpty(HostNamespace) ? program : "nsenter")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        if (!string.IsNullOrEmpty(HostNamespace))
            foreach (var arg in new[] { $"--net={HostNamespace}", "--", program })
                start.ArgumentList.Add(arg);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        return start;
    }

    public IReadOnlyList<string> PluginDirs => PluginPath.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Ipv4Subnet.TryParse(Pool, out var address, out var prefix) || prefix > 24 || (address & new Ipv4Subnet(0, prefix).Mask) != address)
            yield return new ValidationResult($"{Section}:Pool \"{Pool}\" must be an IPv4 CIDR with no host bits set and a prefix of at most /24", [nameof(Pool)]);
        if (PluginDirs.Count == 0)
            yield return new ValidationResult($"{Section}:PluginPath must name at least one folder", [nameof(PluginPath)]);
        if (!string.IsNullOrEmpty(HostNamespace) && !Path.IsPathRooted(HostNamespace))
            yield return new ValidationResult($"{Section}:HostNamespace must be an absolute path", [nameof(HostNamespace)]);
    }
}
