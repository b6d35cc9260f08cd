using System.CommandLine;

namespace Platform.Cli.Commands.Tasks;

internal static class GetCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var command = new Command("get", "Show one task; after it exits, its last run (status stopped) while the exit is retained") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            await TasksCommand.WriteAsync(run, await client.Tasks.GetLastAsync(run.Get(id)!, run.Namespace, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
