using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Networks;

internal static class RemoveNetworkCommand
{
    public static Command Create(CliContext context)
    {
        var names = new Argument<string[]>("name") { Description = "Networks to remove", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Remove networks (refused while a container names one); goes on past failures and exits with the first one's code") { names };
        command.Aliases.Add("remove");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            return await run.RemoveEachAsync(run.Get(names)!,
                name => client.Networks.RemoveAsync(name, run.Namespace, run.CancellationToken),
                (output, removed) => NetworkJson.WriteAsync(output, removed));
        });
        return command;
    }
}
