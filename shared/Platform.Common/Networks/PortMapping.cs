using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Platform.Common.Errors;

namespace Platform.Common.Networks;

/// <summary>
/// A published port, docker's <c>-p</c> grammar: <c>[IP:]HOST:CTR[/tcp|udp]</c>, or <c>CTR[/tcp|udp]</c> for a free host
/// port the task runner picks (<see cref="HostPort"/> 0). <see cref="HostIp"/> null: every host address. Kept on the
/// container as the label <see cref="Label"/>, the mappings separated by commas in this grammar; one parser for the
/// CLI (the flag), the metadata service and the task runner.
/// </summary>
public readonly record struct PortMapping(string? HostIp, int HostPort, int ContainerPort, string Protocol)
{
    public const string Label = "platform.io/ports";

    public const string Grammar = "[IP:]HOST:CTR[/tcp|udp] or CTR[/tcp|udp] (ports 1-65535; IPv4 host address)";

    public override string ToString()
    {
        var ports = HostPort != 0 ? $"{Number(HostPort)}:{Number(ContainerPort)}" : HostIp is null ? Number(ContainerPort) : ":" + Number(ContainerPort);
        return (HostIp is null ? "" : HostIp + ":") + ports + "/" + Protocol;
    }

    /// <summary>One mapping; InvalidArgument naming <paramref name="field"/>, the value and the grammar otherwise.</summary>
    public static PortMapping Parse(string? text, string field = "-p") =>
        TryParse(text, out var mapping) ? mapping : throw PlatformException.InvalidArgument($"{field}: \"{text}\" is not a published port; expected {Grammar}");

    /// <summary>The label's value: mappings separated by commas; an empty or absent value is none.</summary>
    public static IReadOnlyList<PortMapping> ParseList(string? text, string field = Label) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(p => Parse(p, field))];

    public static string FormatList(IEnumerable<PortMapping> mappings) => string.Join(',', mappings);

    public static IReadOnlyList<PortMapping> Of(IReadOnlyDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(Label, out var value) ? ParseList(value) : [];

    public static bool TryParse(string? text, out PortMapping mapping)
    {
        mapping = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var protocol = "tcp";
        var rest = text.Trim();
        var slash = rest.LastIndexOf('/');
        if (slash >= 0)
        {
            protocol = rest[(slash + 1)..].ToLowerInvariant();
            rest = rest[..slash];
            if (protocol is not ("tcp" or "udp"))
                return false;
        }
        var parts = rest.Split(':');
        string? ip = null;
        int host = 0, container;
        switch (parts.Length)
        {
            case 1:
                if (!Port(parts[0], out container))
                    return false;
                break;
            case 2:
                if (!Port(parts[0], out host) || !Port(parts[1], out container))
                    return false;
                break;
            case 3:
                if (!IPAddress.TryParse(parts[0], out var address) || address.AddressFamily != AddressFamily.InterNetwork
                    || !(parts[1].Length == 0 || Port(parts[1], out host)) || !Port(parts[2], out container))
                    return false;
                ip = address.ToString();
                break;
            default:
                return false;
        }
        mapping = new PortMapping(ip, host, container, protocol);
        return true;
    }

    private static bool Port(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
