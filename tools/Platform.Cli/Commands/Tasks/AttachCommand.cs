using System.CommandLine;
using Platform.Cli.Terminal;

namespace Platform.Cli.Commands.Tasks;

/// <summary>
/// <c>tasks attach ID</c>, as <c>docker attach</c>: the running process's output from now on, platformctl's stdin to
/// it when it was started with <c>-i</c>, its terminal raw when it has one. Ctrl-P Ctrl-Q (or <c>--detach-keys</c>)
/// detaches and returns 0, leaving the task running; when the process exits, its exit status is the exit code.
/// </summary>
internal static class AttachCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var execId = TasksCommand.ExecIdOption("Attach to this exec process instead of the init process");
        var detachKeys = new Option<string>("--detach-keys") { Description = $"Keys that detach [default: {DetachKeys.Default}]", HelpName = "KEYS" };
        var noStdin = new Option<bool>("--no-stdin") { Description = "Do not pass stdin on" };
        var command = new Command("attach", "Attach to a running task's terminal or output and stdin; detach with Ctrl-P Ctrl-Q")
        {
            id, execId, detachKeys, noStdin,
        };
        context.SetAction(command, async run =>
        {
            var keys = DetachKeys.Parse(run.Get(detachKeys));
            var containerId = run.Get(id)!;
            var exec = run.Get(execId) is { Length: > 0 } given ? given : null;
            var client = await run.ClientAsync();
            var attach = await client.Tasks.AttachAsync(containerId, exec, run.Namespace, run.CancellationToken);
            var session = new TerminalSession(run, client, containerId, exec);
            var outcome = await session.RunAsync(attach, attach.Stdin && !run.Get(noStdin), keys, attach.LogOffset, null, run.CancellationToken);
            if (outcome == TerminalSession.Outcome.Detached)
                return ExitCodes.Ok;
            var exit = await client.Tasks.WaitAsync(containerId, exec, run.Namespace, run.CancellationToken);
            return await ProcessOutput.ExitCodeAsync(run, exit);
        });
        return command;
    }
}
