using System.CommandLine;
using Platform.Cli.Output;
using Platform.Common.Errors;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Leases;

internal static class RemoveCommand
{
    public static Command Create(CliContext context)
    {
        var ids = new Argument<string[]>("id") { Description = "Leases to remove", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Remove leases (what only they held is collected); goes on past failures and exits with the first one's code") { ids };
        command.Aliases.Add("delete");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var removed = new List<Lease>();
            int? firstFailure = null;
            foreach (var id in run.Get(ids)!)
            {
                try
                {
                    removed.Add(await client.Leases.DeleteAsync(id, run.Namespace, run.CancellationToken));
                    if (!run.Json)
                        await run.Out.WriteLineAsync(id);
                }
                catch (PlatformException e)
                {
                    var code = await run.ReportAsync(e);
                    firstFailure ??= code;
                }
            }
            if (run.Json && removed.Count > 0)
                await LeaseJson.WriteAsync(run.Out, removed);
            return firstFailure ?? ExitCodes.Ok;
        });
        return command;
    }
}
