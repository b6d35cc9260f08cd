using System.CommandLine;

namespace Platform.Cli.Commands.Tasks;

internal static class CreateCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var command = new Command("create", "Create the task of a container (its process waits to be started) and print it") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            await TasksCommand.WriteAsync(run, await client.Tasks.CreateAsync(run.Get(id)!, run.Namespace, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
