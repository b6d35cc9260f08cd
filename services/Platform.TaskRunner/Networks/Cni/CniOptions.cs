namespace Platform.TaskRunner.Networks.Cni;

/// <summary>Configuration section <c>TaskRunner:Networks</c>: how tasks are attached to networks through CNI.</summary>
public sealed class CniOptions
{
    public const string Section = "TaskRunner:Networks";

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

    public IReadOnlyList<string> PluginDirs => PluginPath.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
