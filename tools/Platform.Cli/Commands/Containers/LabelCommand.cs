using System.CommandLine;
using Platform.Cli.Input;

namespace Platform.Cli.Commands.Containers;

internal static class LabelCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Container id" };
        var labels = new Argument<string[]>("labels") { Description = "Labels to set; KEY= removes KEY", HelpName = "KEY=VALUE", Arity = ArgumentArity.OneOrMore };
        var command = new Command("label", "Set or remove labels, leaving the others alone") { id, labels };
        context.SetAction(command, async run =>
        {
            var changes = KeyValues.Parse(run.Get(labels), "label argument")
                .ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
            var client = await run.ClientAsync();
            // Masks exactly labels.<key> per given key, so a concurrent change to another label survives.
            var container = await client.Containers.SetLabelsAsync(run.Get(id)!, changes, run.Namespace, run.CancellationToken);
            await ContainersCommand.WriteAsync(run, container);
            return ExitCodes.Ok;
        });
        return command;
    }
}
