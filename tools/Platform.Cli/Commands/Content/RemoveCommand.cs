using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Content;

internal static class RemoveCommand
{
    public static Command Create(CliContext context)
    {
        var digests = new Argument<string[]>("digest") { Description = "Blobs to remove", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Remove content records (the blob goes when no namespace has it); one an image, lease or label still " +
            "reaches is refused. Goes on past failures and exits with the first one's code")
        {
            digests,
        };
        command.Aliases.Add("delete");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            return await run.RemoveEachAsync(run.Get(digests)!,
                digest => client.Content.DeleteAsync(digest, run.Namespace, run.CancellationToken),
                ContentJson.WriteAsync);
        });
        return command;
    }
}
