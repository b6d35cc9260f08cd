using System.CommandLine;
using Platform.Cli.Input;
using Platform.Contracts.Containers;

namespace Platform.Cli.Commands.Containers;

internal static class CreateCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Container id: letters and digits, single '.', '_' or '-' between them" };
        var runtime = new Option<string>("--runtime") { Description = "Runtime name, e.g. io.containerd.runc.v2", HelpName = "NAME", Required = true };
        var spec = new Option<string>("--spec") { Description = "OCI runtime spec (JSON) to read; '-' reads stdin", HelpName = "FILE|-", Required = true };
        var image = new Option<string>("--image") { Description = "Image name (free text)", HelpName = "REF" };
        var snapshotter = new Option<string>("--snapshotter") { Description = "Snapshotter of --snapshot-key", HelpName = "NAME" };
        var snapshotKey = new Option<string>("--snapshot-key") { Description = "Key of the root filesystem snapshot", HelpName = "KEY" };
        var labels = new Option<string[]>("--label") { Description = "Label to set; repeatable", HelpName = "KEY=VALUE" };

        var command = new Command("create", "Create a container") { id, runtime, spec, image, snapshotter, snapshotKey, labels };
        context.SetAction(command, async run =>
        {
            var request = new CreateContainer
            {
                Namespace = run.Namespace,
                Id = run.Get(id),
                Runtime = new RuntimeInfo { Name = run.Get(runtime)! },
                Labels = KeyValues.Parse(run.Get(labels), "--label"),
                Spec = await SpecSource.ReadAsync(run.Get(spec)!, run.In, run.CancellationToken),
                Image = run.Get(image),
                Snapshotter = run.Get(snapshotter),
                SnapshotKey = run.Get(snapshotKey),
            };
            var client = await run.ClientAsync();
            var created = await client.Containers.CreateAsync(request, run.CancellationToken);
            await ContainersCommand.WriteAsync(run, created);
            return ExitCodes.Ok;
        });
        return command;
    }
}
