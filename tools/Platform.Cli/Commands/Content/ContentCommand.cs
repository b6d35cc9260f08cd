using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Content;

internal static class ContentCommand
{
    public static Command Create(CliContext context) => new("content", "List, read, label and remove content blobs (image manifests, configs and layers)")
    {
        ListCommand.Create(context),
        GetCommand.Create(context),
        LabelCommand.Create(context),
        RemoveCommand.Create(context),
    };

    public static Task WriteAsync(Invocation run, Contracts.Resources.Content content) =>
        run.Json ? ContentJson.WriteAsync(run.Out, content) : ContentText.WriteAsync(run.Out, content);
}
