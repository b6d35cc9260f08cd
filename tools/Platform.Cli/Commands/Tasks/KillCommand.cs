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
            Description = "Signal to send: a name (SIGTERM, TERM, term, KILL, INT, HUP, QUIT, USR1, USR2, STOP, CONT, ...) or a number 1-64 " +
                "[default: the image's StopSignal for a container made from an image, else SIGTERM]",
            HelpName = "NAME|NUMBER",
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
            var client = await run.ClientAsync();
            var given = run.Get(signal) ?? await StopSignalAsync(client, run.Get(id)!, run.Namespace, run.CancellationToken);
            if (!SignalName.TryParse(given, out var number))
                throw Common.Errors.PlatformException.InvalidArgument(SignalName.Invalid("the container's stop signal", given));
            var task = await client.Tasks.KillAsync(run.Get(id)!, number, run.Get(all), run.Get(execId), run.Namespace, run.CancellationToken);
            await TasksCommand.WriteAsync(run, task);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The StopSignal of the image the container was made from (kept as a label), as docker stop uses it; SIGTERM otherwise.</summary>
    private static async Task<string> StopSignalAsync(Client.PlatformClient client, string id, string ns, CancellationToken ct)
    {
        try
        {
            var container = await client.Containers.GetAsync(id, ns, ct);
            return container.Labels.TryGetValue(Client.Images.ImageContainers.StopSignalLabel, out var signal) ? signal : "SIGTERM";
        }
        catch (Common.Errors.PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound)
        {
            return "SIGTERM"; // the kill itself names what is missing
        }
    }
}
