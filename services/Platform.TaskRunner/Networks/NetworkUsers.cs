using Platform.Client;
using Platform.Common.Networks;

namespace Platform.TaskRunner.Networks;

/// <summary>
/// Which containers use a network: those of its namespace whose label <c>platform.io/network</c> names it, and for the
/// default network also those without the label. Read from the metadata service, which owns containers, when asked.
/// </summary>
public sealed class NetworkUsers(PlatformClient platform)
{
    /// <summary>The network a container's tasks join: its label, or the default network when the label is absent or empty.</summary>
    public static string NetworkOf(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(NetworkLabels.Network, out var name) && !string.IsNullOrEmpty(name) ? name : NetworkLabels.DefaultName;

    /// <summary>The ids of the containers of <paramref name="ns"/> using network <paramref name="name"/>, ordered.</summary>
    public async Task<IReadOnlyList<string>> OfAsync(string ns, string name, CancellationToken cancellationToken)
    {
        // A named network's users carry its name, so the metadata service can filter; the default network's users
        // include every container without the label, which no filter expresses.
        IReadOnlyList<string>? filters = name == NetworkLabels.DefaultName ? null : [$"labels.\"{NetworkLabels.Network}\"==\"{name}\""];
        var users = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var container in platform.Containers.ListAsync(filters, ns, cancellationToken: cancellationToken))
            if (NetworkOf(container.Labels) == name)
                users.Add(container.Id);
        return [.. users];
    }

    /// <summary>Every network of <paramref name="ns"/> some container names, with its users' ids, ordered.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ByNetworkAsync(string ns, CancellationToken cancellationToken)
    {
        var byNetwork = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        await foreach (var container in platform.Containers.ListAsync(null, ns, cancellationToken: cancellationToken))
        {
            var name = NetworkOf(container.Labels);
            if (!byNetwork.TryGetValue(name, out var users))
                byNetwork[name] = users = new SortedSet<string>(StringComparer.Ordinal);
            users.Add(container.Id);
        }
        return byNetwork.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value], StringComparer.Ordinal);
    }
}
