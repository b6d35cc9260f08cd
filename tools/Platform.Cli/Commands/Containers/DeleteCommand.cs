using System.CommandLine;
using Platform.Cli.Output;
using Platform.Common.Errors;
using Platform.Contracts.Containers;

namespace Platform.Cli.Commands.Containers;

internal static class DeleteCommand
{
    public static Command Create(CliContext context)
    {
        var ids = new Argument<string[]>("id") { Description = "Containers to remove", Arity = ArgumentArity.OneOrMore };
        var force = new Option<bool>("--force", "-f") { Description = "Kill and delete a live task first instead of refusing" };
        var command = new Command("rm", "Remove containers; goes on past failures and exits with the first one's code") { ids, force };
        command.Aliases.Add("delete");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var deleted = new List<Container>();
            int? firstFailure = null;
            foreach (var id in run.Get(ids)!)
            {
                try
                {
                    deleted.Add(await client.Containers.DeleteAsync(id, run.Get(force), @namespace: run.Namespace,
                        cancellationToken: run.CancellationToken));
                    if (!run.Json)
                        await run.Out.WriteLineAsync(id);
                }
                catch (PlatformException e)
                {
                    var code = await run.ReportAsync(e);
                    firstFailure ??= code;
                }
            }
            // Nothing on stdout when nothing was removed, like every other failure.
            if (run.Json && deleted.Count > 0)
                await ContainerJson.WriteAsync(run.Out, deleted);
            return firstFailure ?? ExitCodes.Ok;
        });
        return command;
    }
}
