using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Containers;

internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var filters = new Option<string[]>("--filter") { Description = "containerd filter, e.g. labels.tier==front,image~=nginx; repeatable, any may match", HelpName = "FILTER" };
        var command = new Command("ls", "List the namespace's containers, ordered by id") { filters };
        command.Aliases.Add("list");
        context.SetAction(command, async run =>
        {
            var given = run.Get(filters);
            var client = await run.ClientAsync();
            // Paged by the client: no single reply grows with the namespace.
            var containers = await client.Containers
                .ListAsync(given is { Length: > 0 } ? given : null, run.Namespace, cancellationToken: run.CancellationToken)
                .ToListAsync(run.CancellationToken);
            if (run.Json)
                await ContainerJson.WriteAsync(run.Out, containers);
            else
                await ContainerText.WriteAsync(run.Out, containers);
            return ExitCodes.Ok;
        });
        return command;
    }
}
