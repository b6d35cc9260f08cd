using Platform.Common.Filters;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Snapshots;

/// <summary>Snapshot filter fields: <c>kind</c> (active, view, committed), <c>name</c>, <c>parent</c>, <c>labels.KEY</c>.</summary>
public readonly struct SnapshotFields(SnapshotRecord snapshot) : IFieldSource
{
    public bool TryGetField(IReadOnlyList<string> fieldPath, out string value)
    {
        value = "";
        switch (fieldPath)
        {
            case ["kind"]:
                value = snapshot.Kind.ToString().ToLowerInvariant();
                return true;
            case ["name"] or ["key"]:
                value = snapshot.Key;
                return true;
            case ["parent"]:
                value = snapshot.Parent ?? "";
                return snapshot.Parent is not null;
            case ["labels", _, ..]:
                return FieldPaths.TryGetLabel(fieldPath, snapshot.Labels, out value);
            default:
                return false;
        }
    }
}
