using Platform.Common.Filters;

namespace Platform.Common.Tests;

/// <summary>An object as an adaptor would expose it: a top-level "name" (absent when null) and labels.</summary>
internal sealed class FakeObject(string? name, Dictionary<string, string>? labels = null) : IFieldSource
{
    private readonly Dictionary<string, string> labels = labels ?? [];

    public static FakeObject Labelled(params (string Key, string Value)[] labels) =>
        new("x", labels.ToDictionary(l => l.Key, l => l.Value));

    public bool TryGetField(IReadOnlyList<string> fieldPath, out string value)
    {
        if (fieldPath is ["name"] && name is not null)
        {
            value = name;
            return true;
        }

        return FieldPaths.TryGetLabel(fieldPath, labels, out value);
    }
}
