using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Leases;

internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var filters = new Option<string[]>("--filter")
        {
            Description = "containerd filter over id and labels.<key>, e.g. labels.owner==ci; repeatable, any may match",
            HelpName = "FILTER",
        };
        var command = new Command("ls", "List the namespace's leases, ordered by id") { filters };
        command.Aliases.Add("list");
        context.SetAction(command, async run =>
        {
            var given = run.Get(filters);
            var client = await run.ClientAsync();
            var leases = (await client.Leases.ListAsync(given is { Length: > 0 } ? given : null, run.Namespace, run.CancellationToken))
                .OrderBy(l => l.Id, StringComparer.Ordinal)
                .ToList();
            if (run.Json)
                await LeaseJson.WriteAsync(run.Out, leases);
            else
                await LeaseText.WriteAsync(run.Out, leases);
            return ExitCodes.Ok;
        });
        return command;
    }
}
