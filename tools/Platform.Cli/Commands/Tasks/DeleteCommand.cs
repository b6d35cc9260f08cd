using System.CommandLine;
using Platform.Cli.Output;
using Platform.Common.Errors;
using Platform.Contracts.Tasks;

namespace Platform.Cli.Commands.Tasks;

internal static class DeleteCommand
{
    public static Command Create(CliContext context)
    {
        var ids = new Argument<string[]>("id") { Description = "Containers whose tasks to remove", Arity = ArgumentArity.OneOrMore };
        var force = new Option<bool>("--force", "-f") { Description = "Kill (SIGKILL) a running or paused task first instead of refusing" };
        var command = new Command("rm", "Remove created or stopped tasks; goes on past failures and exits with the first one's code") { ids, force };
        command.Aliases.Add("delete");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var deleted = new List<DeleteTaskResult>();
            int? firstFailure = null;
            foreach (var id in run.Get(ids)!)
            {
                try
                {
                    deleted.Add(await client.Tasks.DeleteAsync(id, run.Get(force), run.Namespace, run.CancellationToken));
                    if (!run.Json)
                        await run.Out.WriteLineAsync(id);
                }
                catch (PlatformException e)
                {
                    var code = await run.ReportAsync(e);
                    firstFailure ??= code;
                }
            }
            if (run.Json && deleted.Count > 0)
                await TaskJson.WriteAsync(run.Out, deleted);
            return firstFailure ?? ExitCodes.Ok;
        });
        return command;
    }
}
