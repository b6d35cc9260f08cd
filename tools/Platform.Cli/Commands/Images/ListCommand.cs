using System.CommandLine;
using Platform.Cli.Output;
using Platform.Common.Errors;
using Platform.Contracts;

namespace Platform.Cli.Commands.Images;

internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var filters = new Option<string[]>("--filter")
        {
            Description = "containerd filter over name, target.digest, target.mediatype and labels.<key>, e.g. " +
                "'name~=busybox' or 'name==\"docker.io/library/busybox:1.36\"'; repeatable, any may match",
            HelpName = "FILTER",
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the names" };
        var command = new Command("ls", "List the namespace's images by name, with their target digest and size for this host's platform") { filters, quiet };
        command.Aliases.Add("list");
        context.SetAction(command, async run =>
        {
            var given = run.Get(filters);
            var client = await run.ClientAsync();
            var images = await client.Images
                .ListAsync(given is { Length: > 0 } ? given : null, run.Namespace, cancellationToken: run.CancellationToken)
                .ToListAsync(run.CancellationToken);
            if (run.Get(quiet))
            {
                foreach (var image in images)
                    await run.Out.WriteLineAsync(ImageText.Familiar(image.Name));
                return ExitCodes.Ok;
            }
            var sized = new List<(Contracts.Images.Image, long?)>();
            foreach (var image in images)
            {
                long? size;
                try
                {
                    size = (await ImageResolver.ResolveAsync(client, image, null, run.Namespace, run.CancellationToken)).Size;
                }
                catch (PlatformException e) when (e.Kind is ErrorKind.NotFound or ErrorKind.InvalidArgument)
                {
                    // No manifest for this host, or a document missing or broken: listed all the same, without a size.
                    size = null;
                }
                sized.Add((image, size));
            }
            if (run.Json)
                await ImageJson.WriteAsync(run.Out, sized);
            else
                await ImageText.WriteAsync(run.Out, sized);
            return ExitCodes.Ok;
        });
        return command;
    }
}
