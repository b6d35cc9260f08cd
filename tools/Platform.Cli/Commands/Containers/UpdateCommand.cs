using System.CommandLine;
using Platform.Cli.Input;
using Platform.Contracts.Containers;

namespace Platform.Cli.Commands.Containers;

internal static class UpdateCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Container id" };
        var image = new Option<string>("--image") { Description = "New image name; empty clears it", HelpName = "REF" };
        var spec = new Option<string>("--spec") { Description = "New OCI runtime spec (JSON) to read; '-' reads stdin", HelpName = "FILE|-" };
        var snapshotKey = new Option<string>("--snapshot-key") { Description = "New root filesystem snapshot key", HelpName = "KEY" };
        var labels = new Option<string[]>("--label") { Description = "Label to set; KEY= removes it; repeatable", HelpName = "KEY=VALUE" };

        var command = new Command("update", "Change only the given fields of a container") { id, image, spec, snapshotKey, labels };
        command.Validators.Add(result =>
        {
            if (!new Option[] { image, spec, snapshotKey, labels }.Any(o => result.GetResult(o) is { Implicit: false }))
                result.AddError("update needs at least one of --image, --spec, --snapshot-key, --label");
        });
        context.SetAction(command, async run =>
        {
            // The mask names exactly the flags given: everything else stays as stored, even if changed meanwhile.
            var mask = new List<string>();
            string? newSpec = null;
            if (run.Has(image))
                mask.Add("image");
            if (run.Has(spec))
            {
                mask.Add("spec");
                newSpec = await SpecSource.ReadAsync(run.Get(spec)!, run.In, run.CancellationToken);
            }
            if (run.Has(snapshotKey))
                mask.Add("snapshotkey");
            var changes = KeyValues.Parse(run.Get(labels), "--label");
            mask.AddRange(changes.Keys.Select(key => "labels." + key));

            var client = await run.ClientAsync();
            var container = await client.Containers.UpdateAsync(new UpdateContainer
            {
                Namespace = run.Namespace,
                Id = run.Get(id),
                UpdateMask = mask,
                Image = run.Get(image),
                Spec = newSpec,
                SnapshotKey = run.Get(snapshotKey),
                Labels = changes.Where(kv => kv.Value.Length > 0).ToDictionary(),
            }, run.CancellationToken);
            await ContainersCommand.WriteAsync(run, container);
            return ExitCodes.Ok;
        });
        return command;
    }
}
