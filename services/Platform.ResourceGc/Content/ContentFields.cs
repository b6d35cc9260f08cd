using System.Globalization;
using Platform.Common.Filters;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Content;

/// <summary>Content filter fields: <c>digest</c>, <c>size</c> (decimal bytes), <c>labels.KEY</c>.</summary>
public readonly struct ContentFields(ContentRecord content) : IFieldSource
{
    public bool TryGetField(IReadOnlyList<string> fieldPath, out string value)
    {
        value = "";
        switch (fieldPath)
        {
            case ["digest"]:
                value = content.Digest;
                return true;
            case ["size"]:
                value = content.Size.ToString(CultureInfo.InvariantCulture);
                return true;
            case ["labels", _, ..]:
                return FieldPaths.TryGetLabel(fieldPath, content.Labels, out value);
            default:
                return false;
        }
    }
}
