using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Tasks;

internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var filters = new Option<string[]>("--filter")
        {
            Description = "Filter over id, status (created|running|paused|stopped), runtime and pid, e.g. status==running; repeatable, any may match",
            HelpName = "FILTER",
        };
        var command = new Command("ls", "List the namespace's tasks, ordered by container id") { filters };
        command.Aliases.Add("list");
        context.SetAction(command, async run =>
        {
            var given = run.Get(filters);
            var client = await run.ClientAsync();
            var tasks = await client.Tasks.ListAsync(given is { Length: > 0 } ? given : null, run.Namespace, run.CancellationToken);
            if (run.Json)
                await TaskJson.WriteAsync(run.Out, tasks);
            else
                await TaskText.WriteAsync(run.Out, tasks);
            return ExitCodes.Ok;
        });
        return command;
    }
}
