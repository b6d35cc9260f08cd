using Platform.Common.Networks;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>What a task's network namespace is, decided when the task is created (<see cref="TaskNetworkResolver"/>).</summary>
public sealed record TaskNetwork
{
    /// <summary>A namespace of the task's own with only loopback: the spec's network namespace entry as it is.</summary>
    public static readonly TaskNetwork None = new() { Mode = TaskNetworkMode.None };

    /// <summary>The host's namespace: the spec's network namespace entry is removed.</summary>
    public static readonly TaskNetwork Host = new() { Mode = TaskNetworkMode.Host };

    public required TaskNetworkMode Mode { get; init; }

    /// <summary>The network joined through CNI; set for <see cref="TaskNetworkMode.Bridge"/> only.</summary>
    public NetworkRecord? Network { get; init; }

    /// <summary>Ports to publish (label <see cref="PortMapping.Label"/>); a host port 0 is chosen at attach time.</summary>
    public IReadOnlyList<PortMapping> Ports { get; init; } = [];

    /// <summary>What the task's <c>/etc/hosts</c> and <c>/etc/resolv.conf</c> say besides its network's members (<see cref="TaskNames"/>).</summary>
    public NameSettings Names { get; init; } = NameSettings.Empty;

    public static TaskNetwork Join(NetworkRecord network, IReadOnlyList<PortMapping>? ports = null, NameSettings? names = null) =>
        new() { Mode = TaskNetworkMode.Bridge, Network = network, Ports = ports ?? [], Names = names ?? NameSettings.Empty };
}
