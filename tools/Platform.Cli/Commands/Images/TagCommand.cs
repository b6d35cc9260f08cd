using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Images;

internal static class TagCommand
{
    public static Command Create(CliContext context)
    {
        var source = new Argument<string>("source") { Description = "Existing image" };
        var target = new Argument<string>("target") { Description = "New name; moved to the source's target when it exists, as docker tag does" };
        var command = new Command("tag", "Name an image's target with another name; print the new name") { source, target };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var image = await client.Images.GetAsync(run.Get(source)!, run.Namespace, run.CancellationToken);
            var tagged = await client.Images.PutAsync(run.Get(target)!, image.Target, run.Namespace, run.CancellationToken);
            if (run.Json)
                await ImageJson.WriteAsync(run.Out, tagged);
            else
                await run.Out.WriteLineAsync(tagged.Name);
            return ExitCodes.Ok;
        });
        return command;
    }
}
