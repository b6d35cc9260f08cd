using Platform.Contracts.Networks;

namespace Platform.Cli.Output;

/// <summary>Networks for people: a block for one, a table for many.</summary>
internal static class NetworkText
{
    public static Task WriteAsync(TextWriter output, Network network) =>
        TextBlock.WriteAsync(output,
        [
            ("Name", network.Name),
            ("Id", network.Id),
            ("Namespace", network.Namespace),
            ("Driver", network.Driver),
            ("Subnet", network.Subnet),
            ("Gateway", network.Gateway),
            ("Bridge", network.Bridge),
            ("Labels", TextBlock.Lines(network.Labels)),
            ("Created", ContainerText.Time(network.CreatedAt)),
            ("Containers", network.Containers.Count == 0 ? TextBlock.None : string.Join(", ", network.Containers)),
        ]);

    public static Task WriteAsync(TextWriter output, IEnumerable<Network> networks) =>
        TextTable.WriteAsync(output, ["NAME", "NETWORK ID", "DRIVER", "SUBNET", "GATEWAY", "CONTAINERS", "LABELS"],
            networks.Select(n => new[]
            {
                n.Name, n.Id[..Math.Min(12, n.Id.Length)], n.Driver, n.Subnet, n.Gateway,
                n.Containers.Count == 0 ? TextBlock.None : string.Join(",", n.Containers), TextBlock.Joined(n.Labels),
            }));
}
