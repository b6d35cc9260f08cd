using System.CommandLine;
using System.Text.Json.Nodes;
using Platform.Cli.Commands.Images;
using Platform.Cli.Input;
using Platform.Cli.Output;
using Platform.Client;

namespace Platform.Cli.Commands.Gc;

internal static class ExplainCommand
{
    public static Command Create(CliContext context)
    {
        var resource = new Argument<string>("resource")
        {
            Description = "KIND/KEY or KIND/SNAPSHOTTER/KEY: snapshot/busybox, snapshot/overlayfs/busybox, image/busybox:1.36, content/sha256:<hex>",
            HelpName = "KIND/[SNAPSHOTTER/]KEY",
        };
        var snapshotter = new Option<string>("--snapshotter")
        {
            Description = "Snapshotter, for keys that contain '/': then everything after KIND/ is the key",
            HelpName = "NAME",
        };
        var command = new Command("explain", "Say why a resource is kept (each chain of references to a root) or that it is garbage") { resource, snapshotter };
        context.SetAction(command, async run =>
        {
            var target = ResourceName.Parse(run.Get(resource)!, run.Get(snapshotter));
            var client = await run.ClientAsync();
            if (target.Kind == ResourceName.Image)
                return await ExplainImageAsync(run, client, target.Key);
            var explanation = await client.Gc.ExplainAsync(target, run.Namespace, run.CancellationToken);
            // Alive or garbage, the question was answered: both exit 0. A missing resource is NotFound (4).
            if (run.Json)
                await GcOutput.WriteJsonAsync(run.Out, explanation);
            else
                await GcOutput.WriteTextAsync(run.Out, explanation);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>An image is a root by being: the answer is that it exists, what it keeps, and which containers name it.</summary>
    private static async Task<int> ExplainImageAsync(Invocation run, PlatformClient client, string name)
    {
        var image = await client.Images.GetAsync(name, run.Namespace, run.CancellationToken);
        var containers = (await ImagesCommand.ContainersByImageAsync(client, run.Namespace, run.CancellationToken))[image.Name].Order(StringComparer.Ordinal).ToList();
        if (run.Json)
        {
            await run.Out.WriteLineAsync(new JsonObject
            {
                ["resource"] = new JsonObject { ["kind"] = ResourceName.Image, ["snapshotter"] = null, ["key"] = image.Name },
                ["alive"] = true,
                ["root"] = true,
                ["target"] = ImageJson.ToJson(image.Target),
                ["containers"] = new JsonArray([.. containers.Select(c => (JsonNode?)c)]),
            }.ToJsonString(Json.Indented));
            return ExitCodes.Ok;
        }
        await run.Out.WriteLineAsync($"image {image.Name} is alive: it is a root (an image)");
        await run.Out.WriteLineAsync($"  it keeps content {image.Target.Digest} and what that reaches (gc explain content/{image.Target.Digest})");
        if (containers.Count == 0)
            await run.Out.WriteLineAsync("  no container names it");
        foreach (var id in containers)
            await run.Out.WriteLineAsync($"  named by container {run.Namespace}/{id}");
        return ExitCodes.Ok;
    }
}
