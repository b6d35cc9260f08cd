using System.CommandLine;
using Platform.Client;
using Platform.Common.References;

namespace Platform.Cli.Commands.Images;

internal static class ImagesCommand
{
    public static Command Create(CliContext context) => new("images", "List, inspect, load, save, import, pull, push, tag, remove and prune images")
    {
        ListCommand.Create(context),
        InspectCommand.Create(context),
        LoadCommand.Create(context),
        SaveCommand.Create(context),
        ImportCommand.Create(context),
        PullCommand.Create(context),
        PushCommand.Create(context),
        TagCommand.Create(context),
        RemoveCommand.Create(context),
        PruneCommand.Create(context),
    };

    /// <summary>
    /// Which containers of the namespace name each image, by normalised name. A container's image is free text:
    /// one that does not parse as an image name names no image.
    /// </summary>
    public static async Task<ILookup<string, string>> ContainersByImageAsync(PlatformClient client, string ns, CancellationToken ct)
    {
        var containers = await client.Containers.ListAsync(null, ns, cancellationToken: ct).ToListAsync(ct);
        return containers
            .Where(c => !string.IsNullOrEmpty(c.Image) && ImageName.TryParse(c.Image, out _))
            .ToLookup(c => ImageName.Parse(c.Image).Normalized, c => c.Id, StringComparer.Ordinal);
    }
}
