using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Tasks;

internal static class WaitCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var execId = TasksCommand.ExecIdOption("Wait for this exec process instead of the init process");
        var command = new Command("wait", "Wait until a task's process exits and print its exit status ('unknown' when it can't be known)") { id, execId };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var exit = await client.Tasks.WaitAsync(run.Get(id)!, run.Get(execId), run.Namespace, run.CancellationToken);
            if (run.Json)
                await TaskJson.WriteAsync(run.Out, exit);
            else
                await run.Out.WriteLineAsync(TaskText.ExitLine(exit));
            return ExitCodes.Ok;
        });
        return command;
    }
}
