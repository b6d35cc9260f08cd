using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Client.Oci;

/// <summary>
/// Writes a container's requested mounts into its spec, resolving named volumes to their folders on the node.
/// </summary>
public sealed class ContainerMounts(PlatformClient client)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The spec with <paramref name="mounts"/> added (and the root read-only when asked), as indented JSON.</summary>
    public async Task<string> SpecAsync(JsonObject spec, IReadOnlyList<MountRequest> mounts, bool readOnlyRoot, string @namespace, CancellationToken ct)
    {
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in mounts.Where(m => m.Kind == MountKind.Volume).Select(m => m.Source!).Distinct(StringComparer.Ordinal))
            folders[name] = await VolumeFolderAsync(name, @namespace, ct);
        SpecMounts.Apply(spec, mounts, readOnlyRoot, name => folders[name]);
        return spec.ToJsonString(Indented);
    }

    /// <summary>The volume's folder; a volume named for the first time is created (docker's behaviour).</summary>
    private async Task<string> VolumeFolderAsync(string name, string @namespace, CancellationToken ct) =>
        (await client.Volumes.EnsureAsync(name, @namespace, ct)).Mountpoint;
}
