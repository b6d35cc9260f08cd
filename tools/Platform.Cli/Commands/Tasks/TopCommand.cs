using System.CommandLine;
using System.Text.Json.Nodes;
using Platform.Cli.Output;
using Platform.Contracts.Tasks;

namespace Platform.Cli.Commands.Tasks;

internal static class TopCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var psOptions = new Argument<string[]>("ps-options")
        {
            Description = "ps options choosing the columns (-f, aux, -o pid,user,args …); put options that start with '-' after '--'",
            HelpName = "-- PS OPTIONS",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("top", "Show the processes running in a task (PID, USER, TIME, CMD), read on the runner's host without ps in the image")
        {
            id, psOptions,
        };
        context.SetAction(command, async run =>
        {
            var columns = TopColumns.Parse(run.Get(psOptions) ?? []);
            var client = await run.ClientAsync();
            var processes = await client.Tasks.TopAsync(run.Get(id)!, run.Namespace, run.CancellationToken);
            if (run.Json)
                await run.Out.WriteLineAsync(new JsonArray([.. processes.Select(p => (JsonNode)ToJson(p))]).ToJsonString(Json.Indented));
            else
                await TextTable.WriteAsync(run.Out, columns.Columns.Select(c => c.Header).ToList(),
                    processes.Select(p => columns.Columns.Select(c => c.Value(p)).ToList()));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static JsonObject ToJson(TopProcess p) => new()
    {
        ["pid"] = p.Pid,
        ["containerPid"] = p.ContainerPid,
        ["parentPid"] = p.ParentPid,
        ["uid"] = p.Uid,
        ["user"] = p.User,
        ["state"] = p.State,
        ["cpuTimeMs"] = p.CpuTimeMs,
        ["startedAt"] = p.StartedAt is { } t ? Json.Time(t) : null,
        ["rssBytes"] = p.RssBytes,
        ["vszBytes"] = p.VszBytes,
        ["command"] = p.Command,
        ["args"] = new JsonArray([.. p.Args.Select(a => (JsonNode)JsonValue.Create(a))]),
    };
}
