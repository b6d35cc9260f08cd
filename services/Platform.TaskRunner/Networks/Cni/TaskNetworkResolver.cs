using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Common.Networks;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>
/// Which network a task joins: the container's <c>platform.io/network</c> label, else <see cref="NetworkOptions.Default"/>;
/// <c>none</c>, <c>host</c> (privileged callers only) or a network the <see cref="INetworkDirectory"/> resolves.
/// Called before anything of the task exists, so a refusal leaves nothing to undo.
/// </summary>
public sealed class TaskNetworkResolver(INetworkDirectory directory, IOptions<NetworkOptions> options)
{
    public async Task<TaskNetwork> ResolveAsync(string ns, IReadOnlyDictionary<string, string>? labels, bool privileged, CancellationToken cancellationToken)
    {
        var name = labels is not null && labels.TryGetValue(NetworkLabels.Network, out var label) && !string.IsNullOrWhiteSpace(label)
            ? label.Trim()
            : options.Value.Default;
        var ports = PortMapping.Of(labels);
        if (ports.Count > 0 && name is NetworkLabels.None or NetworkLabels.Host)
            throw PlatformException.InvalidArgument(
                $"label {PortMapping.Label}: published ports need a bridge network, and the task's network is '{name}'");
        switch (name)
        {
            case NetworkLabels.None:
                return TaskNetwork.None;
            case NetworkLabels.Host when !privileged:
                throw PlatformException.PermissionDenied(
                    $"network '{NetworkLabels.Host}' (label {NetworkLabels.Network}) shares the host's network namespace: only privileged callers may use it");
            case NetworkLabels.Host:
                return TaskNetwork.Host;
            default:
                return TaskNetwork.Join(await directory.ResolveAsync(ns, name, cancellationToken), ports, NameSettings.Of(labels));
        }
    }
}
