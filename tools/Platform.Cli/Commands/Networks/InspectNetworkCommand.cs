using System.CommandLine;
using Platform.Cli.Output;
using Platform.Common.Errors;
using Platform.Contracts.Networks;

namespace Platform.Cli.Commands.Networks;

internal static class InspectNetworkCommand
{
    public static Command Create(CliContext context)
    {
        var names = new Argument<string[]>("name") { Description = "Networks to print", Arity = ArgumentArity.OneOrMore };
        var command = new Command("inspect", "Print networks as a JSON array, with the containers using each (as docker network inspect); " +
            "goes on past failures and exits with the first one's code")
        {
            names,
        };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var found = new List<Network>();
            int? firstFailure = null;
            foreach (var name in run.Get(names)!)
            {
                try
                {
                    found.Add(await client.Networks.GetAsync(name, run.Namespace, run.CancellationToken));
                }
                catch (PlatformException e)
                {
                    firstFailure ??= await run.ReportAsync(e);
                }
            }
            await NetworkJson.WriteAsync(run.Out, found);
            return firstFailure ?? ExitCodes.Ok;
        });
        return command;
    }
}
