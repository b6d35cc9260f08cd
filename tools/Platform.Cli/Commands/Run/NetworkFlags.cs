using System.CommandLine;
using Platform.Common.Networks;

namespace Platform.Cli.Commands.Run;

/// <summary>
/// docker's <c>--network</c> and <c>-p/--publish</c> of <c>run</c> and <c>create</c>, kept on the container as the labels
/// <see cref="NetworkLabels.Network"/> and <see cref="PortMapping.Label"/>, which the task runner reads when it attaches
/// the task through CNI.
/// </summary>
internal sealed class NetworkFlags
{
    /// <summary>The flags that take a value as the next token (for <see cref="RunArguments"/>).</summary>
    public static readonly IReadOnlySet<string> ValueOptions = new HashSet<string>(StringComparer.Ordinal) { "--network", "--net", "--publish", "-p", "--network-alias", "--dns", "--add-host" };

    private readonly Option<string> _network = new("--network", "--net")
    {
        Description = "Network to join: a network's name, none (loopback only) or host (privileged) [default: the runner's]",
        HelpName = "NAME",
    };

    private readonly Option<string[]> _publish = new("--publish", "-p")
    {
        Description = "Publish a port on the host: [IP:]HOST:CTR[/tcp|udp], or CTR for a free host port; repeatable",
        HelpName = "PORTS",
    };

    private readonly Option<string[]> _aliases = new("--network-alias") { Description = "Another name the container has on its network; repeatable", HelpName = "NAME" };

    private readonly Option<string[]> _dns = new("--dns") { Description = "Name server for /etc/resolv.conf [default: the host's, loopback ones left out]; repeatable", HelpName = "IP" };

    private readonly Option<string[]> _hosts = new("--add-host") { Description = "Extra /etc/hosts line; repeatable", HelpName = "NAME:IP" };

    public void AddTo(Command command)
    {
        command.Options.Add(_network);
        command.Options.Add(_publish);
        command.Options.Add(_aliases);
        command.Options.Add(_dns);
        command.Options.Add(_hosts);
    }

    // The runner checks the values (naming the label) when it attaches the task.
    private static void AddList(Dictionary<string, string> labels, string key, string[]? values)
    {
        if (values is { Length: > 0 })
            labels[key] = string.Join(',', values);
    }

    /// <summary>The container's labels with the network and ports added; InvalidArgument naming -p and the grammar for a bad port.</summary>
    public IReadOnlyDictionary<string, string> AddLabels(Invocation run, IReadOnlyDictionary<string, string> labels)
    {
        var network = run.Get(_network);
        var ports = (run.Get(_publish) ?? []).Select(p => PortMapping.Parse(p, "-p")).ToList();
        var result = new Dictionary<string, string>(labels);
        if (network is not null)
            result[NetworkLabels.Network] = network;
        if (ports.Count > 0)
            result[PortMapping.Label] = PortMapping.FormatList(ports);
        AddList(result, NetworkLabels.Aliases, run.Get(_aliases));
        AddList(result, NetworkLabels.Dns, run.Get(_dns));
        AddList(result, NetworkLabels.ExtraHosts, run.Get(_hosts));
        NameSettings.Of(result); // the runner's checks, now rather than when the task is created
        return result;
    }
}
