using System.CommandLine;

namespace Platform.Cli.Commands.Tasks;

internal static class PauseCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var command = new Command("pause", "Freeze a running task's processes and print the task") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            await TasksCommand.WriteAsync(run, await client.Tasks.PauseAsync(run.Get(id)!, run.Namespace, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
