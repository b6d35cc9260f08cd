using System.CommandLine;
using Platform.Cli.Input;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Gc;

internal static class ExplainCommand
{
    public static Command Create(CliContext context)
    {
        var resource = new Argument<string>("resource")
        {
            Description = "KIND/KEY or KIND/SNAPSHOTTER/KEY, e.g. snapshot/busybox or snapshot/overlayfs/busybox",
            HelpName = "KIND/[SNAPSHOTTER/]KEY",
        };
        var snapshotter = new Option<string>("--snapshotter")
        {
            Description = "Snapshotter, for keys that contain '/': then everything after KIND/ is the key",
            HelpName = "NAME",
        };
        var command = new Command("explain", "Say why a resource is kept (each chain of references to a root) or that it is garbage") { resource, snapshotter };
        context.SetAction(command, async run =>
        {
            var target = ResourceName.Parse(run.Get(resource)!, run.Get(snapshotter));
            var client = await run.ClientAsync();
            var explanation = await client.Gc.ExplainAsync(target, run.Namespace, run.CancellationToken);
            // Alive or garbage, the question was answered: both exit 0. A missing resource is NotFound (4).
            if (run.Json)
                await GcOutput.WriteJsonAsync(run.Out, explanation);
            else
                await GcOutput.WriteTextAsync(run.Out, explanation);
            return ExitCodes.Ok;
        });
        return command;
    }
}
