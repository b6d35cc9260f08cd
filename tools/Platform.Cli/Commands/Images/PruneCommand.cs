using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Images;

internal static class PruneCommand
{
    public static Command Create(CliContext context)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Remove every image no container of the namespace names" };
        var command = new Command("prune", "With --all, remove the images no container names. Without it nothing is removed: " +
            "docker's plain prune takes dangling (untagged) images, and here every image has a name")
        {
            all,
        };
        context.SetAction(command, async run =>
        {
            if (!run.Get(all))
            {
                await run.Err.WriteLineAsync("nothing to prune: every image has a name (there are no dangling images); --all removes the images no container names");
                return ExitCodes.Ok;
            }
            var client = await run.ClientAsync();
            var users = await ImagesCommand.ContainersByImageAsync(client, run.Namespace, run.CancellationToken);
            var unused = await client.Images.ListAsync(null, run.Namespace, cancellationToken: run.CancellationToken)
                .Where(i => !users.Contains(i.Name))
                .Select(i => i.Name)
                .ToListAsync(run.CancellationToken);
            // A container created meanwhile is not seen: it keeps its own snapshot, and the image can be loaded again.
            return await run.RemoveEachAsync(unused,
                name => client.Images.DeleteAsync(name, @namespace: run.Namespace, cancellationToken: run.CancellationToken),
                ImageJson.WriteAsync);
        });
        return command;
    }
}
