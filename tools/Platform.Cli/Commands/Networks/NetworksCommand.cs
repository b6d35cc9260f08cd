using System.CommandLine;

namespace Platform.Cli.Commands.Networks;

/// <summary>
/// <c>networks create|ls|inspect|rm|prune</c>: bridge networks of the namespace on the node, docker's <c>network</c>
/// commands. Containers join one by the label <c>platform.io/network</c>; without it, the default network
/// <c>platform0</c>, made on first use. A network a container names can't be removed.
/// </summary>
internal static class NetworksCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("networks", "Create, list, inspect, remove and prune bridge networks")
        {
            CreateNetworkCommand.Create(context), ListNetworksCommand.Create(context), InspectNetworkCommand.Create(context),
            RemoveNetworkCommand.Create(context), PruneNetworksCommand.Create(context),
        };
        command.Aliases.Add("network");
        return command;
    }

    public static Option<string[]> Filters(string what) => new("--filter")
    {
        Description = $"containerd filter over name, id, driver, subnet and labels.<key> (docker's label=KEY=VALUE works too), {what}; repeatable, any may match",
        HelpName = "FILTER",
    };
}
