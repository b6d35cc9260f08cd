using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Content;

internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var filters = new Option<string[]>("--filter")
        {
            Description = "containerd filter over digest, size and labels.<key>, e.g. 'labels.\"platform.io/gc.ref.content.config\"'; repeatable, any may match",
            HelpName = "FILTER",
        };
        var command = new Command("ls", "List the namespace's content, ordered by digest") { filters };
        command.Aliases.Add("list");
        context.SetAction(command, async run =>
        {
            var given = run.Get(filters);
            var client = await run.ClientAsync();
            var contents = await client.Content
                .ListAsync(given is { Length: > 0 } ? given : null, run.Namespace, cancellationToken: run.CancellationToken)
                .ToListAsync(run.CancellationToken);
            if (run.Json)
                await ContentJson.WriteAsync(run.Out, contents);
            else
                await ContentText.WriteAsync(run.Out, contents);
            return ExitCodes.Ok;
        });
        return command;
    }
}
