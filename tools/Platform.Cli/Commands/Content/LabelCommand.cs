using System.CommandLine;
using Platform.Cli.Input;

namespace Platform.Cli.Commands.Content;

internal static class LabelCommand
{
    public static Command Create(CliContext context)
    {
        var digest = new Argument<string>("digest") { Description = "sha256:<64 hex>" };
        var labels = new Argument<string[]>("labels") { Description = "Labels to set; KEY= removes KEY", HelpName = "KEY=VALUE", Arity = ArgumentArity.OneOrMore };
        var command = new Command("label", "Set or remove labels of a blob, leaving the others alone; platform.io/gc.ref.* labels are GC edges")
        {
            digest, labels,
        };
        context.SetAction(command, async run =>
        {
            var changes = KeyValues.Parse(run.Get(labels), "label argument").ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
            var client = await run.ClientAsync();
            var content = await client.Content.SetLabelsAsync(run.Get(digest)!, changes, run.Namespace, run.CancellationToken);
            await ContentCommand.WriteAsync(run, content);
            return ExitCodes.Ok;
        });
        return command;
    }
}
