using System.Text.Json;

namespace Platform.Common.Security;

/// <summary>
/// <c>linux.namespaces</c>: new pid, mount, ipc, uts and network namespaces of the container's own. A missing one is
/// the host's; one given with a <c>path</c> joins an existing namespace (the host's, or another container's).
/// </summary>
internal static class NamespaceRules
{
    public static void Check(JsonElement spec, SpecReader reader)
    {
        var own = new HashSet<string>(StringComparer.Ordinal);
        if (reader.Object(spec, "linux", "linux") is { } linux && reader.Array(linux, "namespaces", "linux.namespaces") is { } namespaces)
        {
            foreach (var (index, entry) in reader.Objects(namespaces, "linux.namespaces"))
            {
                var type = reader.String(entry, "type", $"linux.namespaces[{index}].type");
                var path = reader.String(entry, "path", $"linux.namespaces[{index}].path");
                if (!string.IsNullOrEmpty(path))
                    reader.Deny($"linux.namespaces[{index}].path", $"joins the existing {type} namespace at {path} instead of making one of its own");
                else if (type is not null)
                    own.Add(type);
            }
        }
        var missing = RuntimeDefaults.OwnNamespaces.Where(type => !own.Contains(type)).ToList();
        if (missing.Count > 0)
            reader.Deny("linux.namespaces", $"no {string.Join(", ", missing)} namespace{(missing.Count == 1 ? "" : "s")} of its own: it would share the host's");
    }
}
