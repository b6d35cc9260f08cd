using System.CommandLine;
using Platform.Cli.Output;

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
            return await run.RemoveEachAsync(run.Get(ids)!,
                id => client.Tasks.DeleteAsync(id, run.Get(force), run.Namespace, run.CancellationToken),
                TaskJson.WriteAsync);
        });
        return command;
    }
}
