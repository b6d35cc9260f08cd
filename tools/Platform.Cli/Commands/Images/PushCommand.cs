using System.CommandLine;
using Platform.Cli.Output;
using Platform.Client.Images;

namespace Platform.Cli.Commands.Images;

internal static class PushCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Image to push, by its name here" };
        var remote = new Argument<string?>("remote")
        {
            Description = "Where to push it: REGISTRY/REPOSITORY[:TAG] [default: the image's own name]",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var registry = new RegistryOptions();
        var platform = new Option<string>("--platform") { Description = "Push only this platform's manifest of a multi-platform image", HelpName = "OS/ARCH[/VARIANT]" };
        var command = new Command("push", "Push an image to a registry, showing progress on stderr; print the remote name and digest")
        {
            name, remote, platform,
        };
        foreach (var option in registry.All)
            command.Options.Add(option);
        context.SetAction(command, async run =>
        {
            var options = new ImagePushOptions
            {
                PlainHttp = run.Get(registry.PlainHttp),
                Credentials = await registry.CredentialsAsync(run),
                Platform = RegistryOptions.ParsePlatform(run.Get(platform)),
                Namespace = run.Namespace,
            };
            var local = Common.References.ImageName.Parse(run.Get(name));
            var target = run.Get(remote) is { } text ? Common.References.ImageName.Parse(text) : local;
            var client = await run.ClientAsync();
            var progress = BlobProgressView.For(run, "pushing");
            PushedImage pushed;
            try
            {
                pushed = await new ImagePusher(client).PushAsync(local.Normalized, target.Normalized, options, progress, run.CancellationToken);
            }
            finally
            {
                progress.Finish();
            }
            await ImageTransferOutput.WriteAsync(run, pushed);
            return ExitCodes.Ok;
        });
        return command;
    }
}
