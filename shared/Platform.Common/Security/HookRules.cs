using System.Text.Json;

namespace Platform.Common.Security;

/// <summary><c>hooks</c>: none. runc runs them on the host, as root, outside every namespace of the container.</summary>
internal static class HookRules
{
    public static void Check(JsonElement spec, SpecReader reader)
    {
        if (reader.Object(spec, "hooks", "hooks") is not { } hooks)
            return;
        foreach (var hook in hooks.EnumerateObject())
        {
            if (hook.Value.ValueKind == JsonValueKind.Null || hook.Value is { ValueKind: JsonValueKind.Array } list && list.GetArrayLength() == 0)
                continue;
            reader.Deny($"hooks.{hook.Name}", "hooks run commands on the host, as root");
        }
    }
}
