using System.CommandLine;
using Platform.Cli.Output;
using Platform.Common.Errors;
using Platform.Common.References;

namespace Platform.Cli.Commands.Images;

internal static class RemoveCommand
{
    public static Command Create(CliContext context)
    {
        var names = new Argument<string[]>("name") { Description = "Images to remove", Arity = ArgumentArity.OneOrMore };
        var force = new Option<bool>("--force", "-f") { Description = "Remove the name even when a container names the image" };
        var command = new Command("rm", "Remove image names; content and snapshots nothing else uses are then collected. " +
            "Goes on past failures and exits with the first one's code")
        {
            names, force,
        };
        command.Aliases.Add("delete");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var users = run.Get(force) ? null : await ImagesCommand.ContainersByImageAsync(client, run.Namespace, run.CancellationToken);
            return await run.RemoveEachAsync(run.Get(names)!, async name =>
            {
                // As docker rmi: an image a container names stays unless forced. The container keeps running either
                // way (its rootfs snapshot holds what it needs); the check is only as fresh as the list above.
                if (users is not null && users[ImageName.Parse(name).Normalized].ToList() is { Count: > 0 } ids)
                    throw PlatformException.FailedPrecondition(
                        $"image {ImageName.Parse(name).Normalized} is used by container{(ids.Count == 1 ? "" : "s")} {string.Join(", ", ids)}; remove {(ids.Count == 1 ? "it" : "them")} or use --force");
                return await client.Images.DeleteAsync(name, @namespace: run.Namespace, cancellationToken: run.CancellationToken);
            }, ImageJson.WriteAsync);
        });
        return command;
    }
}
