using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Gc;

internal static class GcCommand
{
    public static Command Create(CliContext context)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only list what a pass would remove" };
        var command = new Command("gc", "Run a garbage collection pass now over every namespace and print what it removed")
        {
            dryRun,
            ExplainCommand.Create(context),
        };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            // A pass covers the whole store: the collector has no per-namespace pass, so --namespace does not narrow it.
            var result = await client.Gc.CollectAsync(run.Get(dryRun), run.CancellationToken);
            if (run.Json)
                await GcOutput.WriteJsonAsync(run.Out, result);
            else
                await GcOutput.WriteTextAsync(run.Out, result);
            return ExitCodes.Ok;
        });
        return command;
    }
}
