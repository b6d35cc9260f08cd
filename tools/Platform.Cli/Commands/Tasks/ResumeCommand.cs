using System.CommandLine;

namespace Platform.Cli.Commands.Tasks;

internal static class ResumeCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var command = new Command("resume", "Thaw a paused task and print it") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            await TasksCommand.WriteAsync(run, await client.Tasks.ResumeAsync(run.Get(id)!, run.Namespace, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
