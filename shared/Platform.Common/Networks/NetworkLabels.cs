namespace Platform.Common.Networks;

/// <summary>
/// How a container says which network its tasks join: the label <see cref="Network"/> on the container (as nerdctl
/// keeps a container's networks in labels), read by the task runner when it creates a task. Absent means the task
/// runner's default network (<see cref="DefaultName"/> unless configured otherwise).
/// </summary>
public static class NetworkLabels
{
    /// <summary>The container label naming the network: a network's name, <see cref="None"/> or <see cref="Host"/>.</summary>
    public const string Network = "platform.io/network";

    /// <summary>A network namespace of the task's own with only a loopback interface.</summary>
    public const string None = "none";

    /// <summary>The host's network namespace (privileged namespaces only).</summary>
    public const string Host = "host";

    /// <summary>Other names the container has on its network (docker's <c>--network-alias</c>), comma-separated.</summary>
    public const string Aliases = "platform.io/network.aliases";

    /// <summary>Name servers for the container's <c>/etc/resolv.conf</c> (docker's <c>--dns</c>), comma-separated IPs.</summary>
    public const string Dns = "platform.io/dns";

    /// <summary>Extra <c>/etc/hosts</c> lines (docker's <c>--add-host</c>), comma-separated <c>name:ip</c>.</summary>
    public const string ExtraHosts = "platform.io/extra-hosts";

    /// <summary>A comma-separated label's values, empty ones dropped.</summary>
    public static IReadOnlyList<string> ListOf(IReadOnlyDictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var value)
            ? value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];

    /// <summary>The bridge network every namespace has, created on first use, like docker's <c>bridge</c>.</summary>
    public const string DefaultName = "platform0";
}
