using System.CommandLine;
using Platform.Cli.Input;
using Platform.Client.Images;
using Platform.Contracts.Containers;

namespace Platform.Cli.Commands.Containers;

internal static class CreateCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Container id: letters and digits, single '.', '_' or '-' between them" };
        var runtime = new Option<string>("--runtime") { Description = "Runtime name, e.g. io.containerd.runc.v2 [default with --image alone: runc]", HelpName = "NAME" };
        var spec = new Option<string>("--spec") { Description = "OCI runtime spec (JSON) to read; '-' reads stdin", HelpName = "FILE|-" };
        var image = new Option<string>("--image")
        {
            Description = "Image to make the container from (its rootfs <ID>-rootfs and its spec); with --spec, just the name to record",
            HelpName = "REF",
        };
        var snapshotter = new Option<string>("--snapshotter") { Description = "Snapshotter of --snapshot-key, or to unpack --image into", HelpName = "NAME" };
        var snapshotKey = new Option<string>("--snapshot-key") { Description = "Key of the root filesystem snapshot", HelpName = "KEY" };
        var labels = new Option<string[]>("--label") { Description = "Label to set; repeatable", HelpName = "KEY=VALUE" };

        var command = new Command("create", """
            Create a container: from an image (--image REF alone: its root filesystem is prepared as <ID>-rootfs and its spec is
            built from the image config, as docker create does), or from a spec you give (--runtime and --spec, with an optional
            snapshot and a free-text --image)
            """)
        { id, runtime, spec, image, snapshotter, snapshotKey, labels };
        command.Validators.Add(result =>
        {
            bool Given(Option option) => result.GetResult(option) is { Implicit: false };
            if (Given(spec) && !Given(runtime))
                result.AddError("--spec needs --runtime");
            if (!Given(spec) && !Given(image))
                result.AddError("create needs --image REF, or --runtime and --spec");
            if (!Given(spec) && Given(snapshotKey))
                result.AddError("--snapshot-key goes with --spec; an image container gets its own snapshot <ID>-rootfs");
        });
        context.SetAction(command, async run =>
        {
            var parsedLabels = KeyValues.Parse(run.Get(labels), "--label");
            if (run.Get(spec) is null)
            {
                var imageClient = await run.ClientAsync();
                var fromImage = await new ImageContainers(imageClient).CreateAsync(new ContainerFromImage
                {
                    Namespace = run.Namespace, Id = run.Get(id)!, Image = run.Get(image)!, Runtime = run.Get(runtime),
                    Snapshotter = run.Get(snapshotter), Labels = parsedLabels,
                }, run.CancellationToken);
                await ContainersCommand.WriteAsync(run, fromImage);
                return ExitCodes.Ok;
            }
            var request = new CreateContainer
            {
                Namespace = run.Namespace,
                Id = run.Get(id),
                Runtime = new RuntimeInfo { Name = run.Get(runtime)! },
                Labels = parsedLabels,
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
