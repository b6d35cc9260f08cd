using System.Net;
using System.Net.Sockets;
using Platform.Common.Errors;

namespace Platform.Common.Networks;

/// <summary>
/// A container's name settings from its labels: aliases on its network (<see cref="NetworkLabels.Aliases"/>), name
/// servers (<see cref="NetworkLabels.Dns"/>) and extra hosts (<see cref="NetworkLabels.ExtraHosts"/>); InvalidArgument
/// naming the label for a malformed value. One parser for the CLI (its flags) and the task runner.
/// </summary>
public sealed record NameSettings(IReadOnlyList<string> Aliases, IReadOnlyList<string> Dns, IReadOnlyList<(string Name, string Address)> ExtraHosts)
{
    public static readonly NameSettings Empty = new([], [], []);

    public static NameSettings Of(IReadOnlyDictionary<string, string>? labels)
    {
        var aliases = NetworkLabels.ListOf(labels, NetworkLabels.Aliases);
        foreach (var alias in aliases)
            Platform.Common.Identifiers.Identifiers.Validate(alias, $"label {NetworkLabels.Aliases}");
        var dns = NetworkLabels.ListOf(labels, NetworkLabels.Dns);
        foreach (var server in dns)
            if (!IPAddress.TryParse(server, out _))
                throw PlatformException.InvalidArgument($"label {NetworkLabels.Dns}: \"{server}\" is not an IP address");
        var hosts = NetworkLabels.ListOf(labels, NetworkLabels.ExtraHosts).Select(ParseHost).ToList();
        return aliases.Count == 0 && dns.Count == 0 && hosts.Count == 0 ? Empty : new NameSettings(aliases, dns, hosts);
    }

    private static (string, string) ParseHost(string entry)
    {
        var colon = entry.IndexOf(':');
        if (colon <= 0 || !IPAddress.TryParse(entry[(colon + 1)..], out var address) || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || entry[..colon].Any(char.IsWhiteSpace))
            throw PlatformException.InvalidArgument($"label {NetworkLabels.ExtraHosts}: \"{entry}\" is not NAME:IP");
        return (entry[..colon], address.ToString());
    }
}
