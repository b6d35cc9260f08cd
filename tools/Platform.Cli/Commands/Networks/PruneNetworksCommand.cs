using System.CommandLine;
using System.Text.Json.Nodes;
using Platform.Cli.Input;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Networks;

internal static class PruneNetworksCommand
{
    public static Command Create(CliContext context)
    {
        var filters = NetworksCommand.Filters("to prune only matching networks");
        var force = new Option<bool>("--force", "-f") { Description = "Do not ask for confirmation" };
        var command = new Command("prune", "Remove every network no container uses (never the default network platform0); prints the names removed")
        {
            filters, force,
        };
        context.SetAction(command, async run =>
        {
            if (!run.Get(force))
            {
                // As docker: a prune asks first, and anything but yes (end of input included) keeps everything.
                await run.Err.WriteAsync("WARNING! This will remove every network of the namespace not used by at least one container.\nAre you sure you want to continue? [y/N] ");
                var answer = (await run.In.ReadLineAsync(run.CancellationToken))?.Trim();
                if (!string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase))
                {
                    await run.Err.WriteLineAsync("Nothing removed.");
                    return ExitCodes.Ok;
                }
            }
            var client = await run.ClientAsync();
            var result = await client.Networks.PruneAsync(DockerFilters.List(run.Get(filters)), run.Namespace, run.CancellationToken);
            if (run.Json)
                await run.Out.WriteLineAsync(new JsonArray([.. result.Removed.Select(n => (JsonNode?)n)]).ToJsonString(Json.Indented));
            else
                foreach (var name in result.Removed)
                    await run.Out.WriteLineAsync(name);
            return ExitCodes.Ok;
        });
        return command;
    }
}
