using System.CommandLine;

namespace Platform.Cli.Commands.Tasks;

internal static class LogsCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new output until the process has exited" };
        var execId = TasksCommand.ExecIdOption("Print this exec process's output instead of the init process's");
        var command = new Command("logs", "Print what a task's process wrote: its stdout on stdout, its stderr on stderr") { id, follow, execId };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            await ProcessOutput.CopyAsync(run, client, run.Get(id)!, run.Get(execId), run.Get(follow), run.CancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }
}
