using Platform.Common.Filters;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Volumes;

/// <summary>Volume filter fields: <c>name</c>, <c>labels.KEY</c>.</summary>
public readonly struct VolumeFields(VolumeRecord volume) : IFieldSource
{
    public bool TryGetField(IReadOnlyList<string> fieldPath, out string value)
    {
        value = "";
        switch (fieldPath)
        {
            case ["name"]:
                value = volume.Name;
                return true;
            case ["labels", _, ..]:
                return FieldPaths.TryGetLabel(fieldPath, volume.Labels, out value);
            default:
                return false;
        }
    }
}
