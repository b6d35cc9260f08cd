using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Containers;

internal static class DeleteCommand
{
    public static Command Create(CliContext context)
    {
        var ids = new Argument<string[]>("id") { Description = "Containers to remove", Arity = ArgumentArity.OneOrMore };
        var force = new Option<bool>("--force", "-f") { Description = "Kill and delete a live task first instead of refusing" };
        var command = new Command("rm", "Remove containers; goes on past failures and exits with the first one's code") { ids, force };
        command.Aliases.Add("delete");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            return await run.RemoveEachAsync(run.Get(ids)!,
                id => client.Containers.DeleteAsync(id, run.Get(force), @namespace: run.Namespace, cancellationToken: run.CancellationToken),
                ContainerJson.WriteAsync);
        });
        return command;
    }
}
