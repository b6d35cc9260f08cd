using System.CommandLine;
using Platform.Cli.Output;

namespace Platform.Cli.Commands.Port;

/// <summary><c>port ID</c>: docker's, the running task's published ports, one <c>CTR/PROTO -> IP:HOST</c> line each.</summary>
internal static class PortCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Container id" };
        var command = new Command("port", "List the ports a container's running task publishes on the host (docker port)") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var task = await client.Tasks.GetAsync(run.Get(id)!, run.Namespace, run.CancellationToken);
            if (run.Json)
            {
                await run.Out.WriteLineAsync(TaskJson.ToJson(task)["ports"]!.ToJsonString(Json.Indented));
                return ExitCodes.Ok;
            }
            foreach (var port in task.Ports)
                await run.Out.WriteLineAsync(TaskText.PortLine(port));
            return ExitCodes.Ok;
        });
        return command;
    }
}
