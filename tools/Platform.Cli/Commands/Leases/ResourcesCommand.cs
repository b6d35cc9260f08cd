using System.CommandLine;

namespace Platform.Cli.Commands.Leases;

internal static class ResourcesCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Lease id" };
        var command = new Command("resources", "List what a lease holds") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            await LeasesCommand.WriteAsync(run, await client.Leases.ListResourcesAsync(run.Get(id)!, run.Namespace, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
