using System.CommandLine;
using Platform.Cli.Input;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Leases;

internal static class CreateCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Option<string>("--id") { Description = "Lease id (identifier rules) [default: generated]", HelpName = "ID" };
        var labels = new Option<string[]>("--label") { Description = "Label to set; repeatable", HelpName = "KEY=VALUE" };
        var expires = new Option<string>("--expires")
        {
            Description = "When it stops protecting: a duration from now (30s, 10m, 2h, 1d) or an ISO-8601 time [default: never]",
            HelpName = "DURATION|TIME",
        };
        var command = new Command("create", "Create a lease and print it") { id, labels, expires };
        context.SetAction(command, async run =>
        {
            var request = new CreateLease
            {
                Namespace = run.Namespace,
                Id = run.Get(id),
                Labels = KeyValues.Parse(run.Get(labels), "--label"),
                ExpiresAt = run.Get(expires) is { } text ? Expiry.Parse(text, DateTimeOffset.UtcNow) : null,
            };
            var client = await run.ClientAsync();
            await LeasesCommand.WriteAsync(run, await client.Leases.CreateAsync(request, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
