using System.Text;
using System.Text.Json;

namespace Platform.Common.Security;

/// <summary>
/// Reads a spec as runc will and collects what the rules find. runc decodes JSON with Go's encoding/json, which matches
/// member names case-insensitively (with Unicode folding: <c>"Hooks"</c> and <c>"hoo\u212As"</c> are both <c>hooks</c>)
/// and lets a later duplicate win; so every spelling runc would take for a member is found here, and anything but
/// the one exact member is refused as malformed rather than guessed at.
/// </summary>
internal sealed class SpecReader
{
    public List<PolicyViolation> Found { get; } = [];

    public void Deny(string field, string rule) => Found.Add(new PolicyViolation(field, rule));

    public void Malformed(string field, string rule) => Found.Add(new PolicyViolation(field, rule, Malformed: true));

    /// <summary>
    /// The member runc reads as <paramref name="name"/>, or null when it is absent or JSON null. A member runc would read
    /// as this one under another spelling (<c>"Linux"</c>), or given twice, is malformed: the runner and the rules look
    /// members up by their exact name, so they would not see what runc sees.
    /// </summary>
    public JsonElement? Member(JsonElement obj, string name, string field)
    {
        JsonElement? found = null;
        var count = 0;
        foreach (var property in obj.EnumerateObject())
        {
            if (!SameName(property.Name, name))
                continue;
            if (property.Name != name)
            {
                Malformed(field, $"is spelled \"{property.Name}\"; write \"{name}\" (runc would read it, the policy reads names exactly)");
                return null;
            }
            found = property.Value;
            count++;
        }
        if (count > 1)
        {
            Malformed(field, "is given more than once");
            return null;
        }
        return found is { ValueKind: JsonValueKind.Null } ? null : found;
    }

    public JsonElement? Object(JsonElement obj, string name, string field) => Typed(obj, name, field, JsonValueKind.Object, "an object");

    public JsonElement? Array(JsonElement obj, string name, string field) => Typed(obj, name, field, JsonValueKind.Array, "an array");

    public string? String(JsonElement obj, string name, string field) =>
        Typed(obj, name, field, JsonValueKind.String, "a string") is { } value ? value.GetString() : null;

    public bool? Bool(JsonElement obj, string name, string field)
    {
        if (Member(obj, name, field) is not { } value)
            return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return value.GetBoolean();
        Malformed(field, "must be true or false");
        return null;
    }

    public long? Number(JsonElement obj, string name, string field)
    {
        if (Member(obj, name, field) is not { } value)
            return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
            return number;
        Malformed(field, "must be an integer");
        return null;
    }

    /// <summary>The strings of an array; items that are not strings are reported.</summary>
    public IEnumerable<(int Index, string Value)> Strings(JsonElement array, string field)
    {
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
                yield return (index, item.GetString()!);
            else
                Malformed($"{field}[{index}]", "must be a string");
            index++;
        }
    }

    /// <summary>The objects of an array; items that are not objects are reported.</summary>
    public IEnumerable<(int Index, JsonElement Value)> Objects(JsonElement array, string field)
    {
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object)
                yield return (index, item);
            else
                Malformed($"{field}[{index}]", "must be an object");
            index++;
        }
    }

    private JsonElement? Typed(JsonElement obj, string name, string field, JsonValueKind kind, string what)
    {
        if (Member(obj, name, field) is not { } value)
            return null;
        if (value.ValueKind == kind)
            return value;
        Malformed(field, $"must be {what}");
        return null;
    }

    /// <summary>Go's encoding/json name match: ASCII case ignored, and the Kelvin sign and long s fold to k and s.</summary>
    internal static bool SameName(string key, string name) => Fold(key) == Fold(name);

    private static string Fold(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text)
            folded.Append(c switch
            {
                '\u212A' => 'k',
                '\u017F' => 's',
                _ when char.IsAsciiLetterUpper(c) => char.ToLowerInvariant(c),
                _ => c,
            });
        return folded.ToString();
    }
}
