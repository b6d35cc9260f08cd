using System.CommandLine;
using Platform.Cli.Input;
using Platform.Cli.Output;
using Platform.Common.Errors;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Volumes;

/// <summary>
/// <c>volumes create|ls|inspect|rm|prune</c>: named volumes, docker's <c>volume</c> commands. Volumes are user data:
/// the collector never removes one; rm and prune do, and only while no container uses it.
/// </summary>
internal static class VolumesCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("volumes", "Create, list, inspect, remove and prune named volumes")
        {
            CreateVolume(context), List(context), Inspect(context), Remove(context), Prune(context),
        };
        command.Aliases.Add("volume");
        return command;
    }

    private static Option<string[]> Filters(string what) => new("--filter")
    {
        Description = $"containerd filter over name and labels.<key> (docker's label=KEY=VALUE works too), {what}; repeatable, any may match",
        HelpName = "FILTER",
    };

    private static Task WriteAsync(Invocation run, Volume volume) =>
        run.Json ? VolumeJson.WriteAsync(run.Out, volume) : VolumeText.WriteAsync(run.Out, volume);

    private static Command CreateVolume(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Volume name (identifier rules)" };
        var labels = new Option<string[]>("--label") { Description = "Label to set; repeatable", HelpName = "KEY=VALUE" };
        var command = new Command("create", "Create an empty volume and print it") { name, labels };
        context.SetAction(command, async run =>
        {
            var request = new CreateVolume { Namespace = run.Namespace, Name = run.Get(name), Labels = KeyValues.Parse(run.Get(labels), "--label") };
            var client = await run.ClientAsync();
            await WriteAsync(run, await client.Volumes.CreateAsync(request, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var filters = Filters("e.g. label=owner=ci");
        var command = new Command("ls", "List the namespace's volumes, ordered by name") { filters };
        command.Aliases.Add("list");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var volumes = await client.Volumes.ListAsync(DockerFilters.List(run.Get(filters)), run.Namespace, run.CancellationToken);
            if (run.Json)
                await VolumeJson.WriteAsync(run.Out, volumes);
            else
                await VolumeText.WriteAsync(run.Out, volumes);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Inspect(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Volume name" };
        var command = new Command("inspect", "Print a volume: its mountpoint, labels and the containers using it") { name };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            await WriteAsync(run, await client.Volumes.GetAsync(run.Get(name)!, run.Namespace, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var names = new Argument<string[]>("name") { Description = "Volumes to remove with their data", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Remove volumes and their data (refused while a container uses one); goes on past failures and exits with the first one's code") { names };
        command.Aliases.Add("remove");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var removed = new List<Volume>();
            int? firstFailure = null;
            foreach (var name in run.Get(names)!)
            {
                try
                {
                    removed.Add(await client.Volumes.RemoveAsync(name, run.Namespace, run.CancellationToken));
                    if (!run.Json)
                        await run.Out.WriteLineAsync(name);
                }
                catch (PlatformException e)
                {
                    firstFailure ??= await run.ReportAsync(e);
                }
            }
            if (run.Json && removed.Count > 0)
                await VolumeJson.WriteAsync(run.Out, removed);
            return firstFailure ?? ExitCodes.Ok;
        });
        return command;
    }

    private static Command Prune(CliContext context)
    {
        var filters = Filters("to prune only matching volumes");
        var command = new Command("prune", "Remove every volume no container uses, with its data; prints the names removed") { filters };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync();
            var result = await client.Volumes.PruneAsync(DockerFilters.List(run.Get(filters)), run.Namespace, run.CancellationToken);
            if (run.Json)
                await run.Out.WriteLineAsync(new System.Text.Json.Nodes.JsonArray([.. result.Removed.Select(n => (System.Text.Json.Nodes.JsonNode?)n)]).ToJsonString(Json.Indented));
            else
                foreach (var name in result.Removed)
                    await run.Out.WriteLineAsync(name);
            return ExitCodes.Ok;
        });
        return command;
    }
}
