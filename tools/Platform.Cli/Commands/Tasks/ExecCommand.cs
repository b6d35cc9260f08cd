using System.CommandLine;
using Platform.Cli.Commands.Run;
using Platform.Cli.Input;
using Platform.Cli.Terminal;

namespace Platform.Cli.Commands.Tasks;

internal static class ExecCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var processArgs = new Argument<string[]>("command")
        {
            Description = "The program and its arguments, after '--'",
            HelpName = "-- CMD ARGS",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var execId = TasksCommand.ExecIdOption("Id of the new process (identifier rules) [default: generated]");
        var cwd = new Option<string>("--cwd", "-w") { Description = "Working directory inside the container [default: the container's]", HelpName = "DIR" };
        var env = new Option<string[]>("--env", "-e") { Description = "Environment variable to add; repeatable", HelpName = "KEY=VALUE" };
        var command = new Command("exec",
            "Run another process in a running task, print its output as it comes and exit with its exit status (255 when unknown)")
        {
            id, processArgs, execId, cwd, env,
        };
        var stdio = new StdioFlags();
        stdio.AddTo(command);
        context.SetAction(command, async run =>
        {
            var args = run.Get(processArgs) ?? [];
            if (args.Length == 0 || !run.HasDoubleDash)
                return await run.UsageErrorAsync("tasks exec needs the command to run after '--', e.g. platformctl tasks exec ID -- sh -c 'echo hi'");
            var variables = ProcessSpec.ParseEnv(run.Get(env), "--env");
            var containerId = run.Get(id)!;
            var exec = run.Get(execId) is { Length: > 0 } given ? given : "exec-" + Guid.NewGuid().ToString("N")[..8];

            var wanted = stdio.Read(run);
            var client = await run.ClientAsync();
            // The container's process is the base, so the exec gets the same user, capabilities and PATH.
            var container = await client.Containers.GetAsync(containerId, run.Namespace, run.CancellationToken);
            var process = ProcessSpec.ForExec(container.Spec, args, run.Get(cwd), variables, wanted.Terminal);
            await client.Tasks.ExecAsync(containerId, exec, process, wanted.Stdin, run.Namespace, run.CancellationToken);
            if (wanted.Attached)
            {
                var attach = await client.Tasks.AttachAsync(containerId, exec, run.Namespace, run.CancellationToken);
                await new TerminalSession(run, client, containerId, exec).RunAsync(attach, wanted.Stdin, null, 0, null, run.CancellationToken);
            }
            else
                await ProcessOutput.CopyAsync(run, client, containerId, exec, follow: true, run.CancellationToken);
            var exit = await client.Tasks.WaitAsync(containerId, exec, run.Namespace, run.CancellationToken);
            return await ProcessOutput.ExitCodeAsync(run, exit);
        });
        return command;
    }
}
