using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Client.Images;
using Platform.Client.Oci;
using Platform.Common.Errors;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// Resolves a user given by name in a spec (<c>process.user.username</c>: <c>app</c>, <c>app:wheel</c>, <c>1000</c>)
/// against the container's own /etc/passwd and /etc/group, once its root filesystem is there, as docker does at start:
/// the ids and additional groups are written into the spec and the name removed (runc reads only ids). The files are
/// read only when they and /etc are plain files and folders of the root filesystem: a symlink planted there could point
/// at the host's files, so it counts as no file.
/// </summary>
internal static class SpecUser
{
    private const long MaxFileBytes = 4 * 1024 * 1024;

    public static void Resolve(JsonObject spec, string rootfs, string container)
    {
        if (spec["process"] is not JsonObject process || process["user"] is not JsonObject user)
            return;
        if (user[DefaultSpec.UserNameField] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
            return;
        var name = value.GetValue<string>();
        ResolvedUser resolved;
        using (var passwd = Open(rootfs, "passwd"))
        using (var group = Open(rootfs, "group"))
        {
            try
            {
                resolved = UserResolver.Resolve(name, passwd, group);
            }
            catch (PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound)
            {
                throw PlatformException.InvalidArgument($"container {container}: the user to run as is not in its root filesystem: {e.Message}");
            }
        }
        user["uid"] = resolved.Uid;
        user["gid"] = resolved.Gid;
        if (resolved.AdditionalGids.Count > 0)
            user["additionalGids"] = new JsonArray([.. resolved.AdditionalGids.Select(g => (JsonNode)g)]);
        user.Remove(DefaultSpec.UserNameField);
    }

    private static StreamReader? Open(string rootfs, string file)
    {
        var etc = Path.Combine(rootfs, "etc");
        var path = Path.Combine(etc, file);
        if (new DirectoryInfo(etc) is not { Exists: true, LinkTarget: null })
            return null;
        if (new FileInfo(path) is not { Exists: true, LinkTarget: null } info || info.Length > MaxFileBytes)
            return null;
        return new StreamReader(path);
    }
}
