using System.CommandLine;

namespace Platform.Cli.Commands.Tasks;

internal static class StartCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var command = new Command("start", "Start a created task and print it; its output goes to its log (tasks logs)") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            await TasksCommand.WriteAsync(run, await client.Tasks.StartAsync(run.Get(id)!, run.Namespace, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
