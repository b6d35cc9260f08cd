using System.CommandLine;
using Platform.Cli.Input;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Networks;

internal static class ListNetworksCommand
{
    public static Command Create(CliContext context)
    {
        var filters = NetworksCommand.Filters("e.g. label=owner=ci");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the names" };
        var command = new Command("ls", "List the namespace's networks, ordered by name") { filters, quiet };
        command.Aliases.Add("list");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var networks = await client.Networks.ListAsync(DockerFilters.List(run.Get(filters)), run.Namespace, run.CancellationToken);
            if (run.Get(quiet))
                foreach (var network in networks)
                    await run.Out.WriteLineAsync(network.Name);
            else if (run.Json)
                await NetworkJson.WriteAsync(run.Out, networks);
            else
                await NetworkText.WriteAsync(run.Out, networks);
            return ExitCodes.Ok;
        });
        return command;
    }
}
