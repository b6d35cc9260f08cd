using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Tasks;

internal static class PidsCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var command = new Command("ps", "List the host pids of a task's processes, and which exec process each one is") { id };
        command.Aliases.Add("pids");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var processes = await client.Tasks.ListPidsAsync(run.Get(id)!, run.Namespace, run.CancellationToken);
            if (run.Json)
                await TaskJson.WriteAsync(run.Out, processes);
            else
                await TaskText.WriteAsync(run.Out, processes);
            return ExitCodes.Ok;
        });
        return command;
    }
}
