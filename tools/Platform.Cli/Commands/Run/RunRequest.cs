using Platform.Client.Oci;
using Platform.Common.Health;

namespace Platform.Cli.Commands.Run;

/// <summary>The container <c>run</c> and <c>create</c> make, as their flags describe it (<see cref="ContainerFlags"/>).</summary>
/// <param name="Image">docker's form: the image to make the container from; null with <paramref name="Snapshot"/> or <paramref name="Rootfs"/>.</param>
/// <param name="Remove">--rm: kept on the container as <see cref="Platform.Common.Restarts.AutoRemove.Label"/> (in <paramref name="Labels"/>).</param>
internal sealed record RunRequest(string Id, string[] Args, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Env, string? Cwd,
    string? Snapshot, string? Rootfs, string? Snapshotter, string Runtime, bool Remove,
    string? Image, string? User, IReadOnlyList<string>? Entrypoint)
{
    public ResourceLimits? Limits { get; init; }

    public IReadOnlyList<MountRequest> Mounts { get; init; } = [];

    public bool ReadOnlyRoot { get; init; }

    public HealthOverrides? Health { get; init; }

    public StdioRequest Stdio { get; init; } = StdioRequest.None;

    /// <summary>--hostname; null: the container id.</summary>
    public string? Hostname { get; init; }
}
