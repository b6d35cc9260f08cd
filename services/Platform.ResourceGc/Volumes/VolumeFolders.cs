using Microsoft.Extensions.Options;
using Platform.Hosting.Options;

namespace Platform.ResourceGc.Volumes;

/// <summary>
/// Where volumes live on the node: <c>{DataRoot}/volumes/{namespace}/{name}/_data</c>. The folders above <c>_data</c>
/// are 0700, so no other user of the host walks into a namespace's data; <c>_data</c> itself is 0755 as docker makes
/// it, so a container process that is not root can still read what its volume holds.
/// </summary>
public sealed class VolumeFolders(IOptions<StoreOptions> options)
{
    private const UnixFileMode Shared = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>The folder every namespace's volumes are under.</summary>
    public string Root => Path.Combine(Path.GetFullPath(options.Value.DataRoot), "volumes");

    /// <summary>The folder containers bind-mount.</summary>
    public string DataOf(string ns, string name) => Path.Combine(Root, ns, name, "_data");

    /// <summary>
    /// The volume name when <paramref name="source"/> is a volume's data folder in <paramref name="ns"/> (another
    /// namespace's volume is not this container's to use), else null.
    /// </summary>
    public string? NameOf(string ns, string source)
    {
        var prefix = Path.Combine(Root, ns) + "/";
        if (!source.StartsWith(prefix, StringComparison.Ordinal) || !source.EndsWith("/_data", StringComparison.Ordinal))
            return null;
        var name = source[prefix.Length..^"/_data".Length];
        return name.Length > 0 && !name.Contains('/') ? name : null;
    }

    /// <summary>A fresh, empty data folder; anything a crash left under that name (a removal half done) goes first.</summary>
    public string Create(string ns, string name)
    {
        Delete(ns, name);
        var data = DataOf(ns, name);
        Drivers.DriverFolders.CreateFolder(data, Shared); // its missing parents owner-only
        return data;
    }

    public void Delete(string ns, string name)
    {
        var volume = Path.Combine(Root, ns, name);
        if (Directory.Exists(volume))
            Directory.Delete(volume, recursive: true);
    }
}
