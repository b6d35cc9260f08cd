using System.CommandLine;
using Platform.Cli.Input;

namespace Platform.Cli.Commands.Tasks;

internal static class KillCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var signal = new Option<string>("--signal", "-s")
        {
            Description = "Signal to send: a name (SIGTERM, TERM, term, KILL, INT, HUP, QUIT, USR1, USR2, STOP, CONT, ...) or a number 1-64",
            HelpName = "NAME|NUMBER",
            DefaultValueFactory = _ => "SIGTERM",
        };
        signal.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (!SignalName.TryParse(text, out _))
                result.AddError(SignalName.Invalid("--signal", text));
        });
        var all = new Option<bool>("--all", "-a") { Description = "Signal every process of the task, not only its init process" };
        var execId = TasksCommand.ExecIdOption("Signal this exec process instead of the init process");
        var command = new Command("kill", "Send a signal to a task's init process (or an exec process, or all) and print the task") { id, signal, all, execId };
        context.SetAction(command, async run =>
        {
            SignalName.TryParse(run.Get(signal), out var number);
            var client = await run.ClientAsync();
            var task = await client.Tasks.KillAsync(run.Get(id)!, number, run.Get(all), run.Get(execId), run.Namespace, run.CancellationToken);
            await TasksCommand.WriteAsync(run, task);
            return ExitCodes.Ok;
        });
        return command;
    }
}
