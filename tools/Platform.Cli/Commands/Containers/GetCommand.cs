using System.CommandLine;

namespace Platform.Cli.Commands.Containers;

internal static class GetCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Container id" };
        var command = new Command("get", "Show one container") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var container = await client.Containers.GetAsync(run.Get(id)!, run.Namespace, run.CancellationToken);
            await ContainersCommand.WriteAsync(run, container);
            return ExitCodes.Ok;
        });
        return command;
    }
}
