using Platform.Common.Filters;

namespace Platform.TaskRunner.Networks;

/// <summary>Network filter fields: <c>name</c>, <c>id</c>, <c>driver</c>, <c>subnet</c>, <c>labels.KEY</c>.</summary>
public readonly struct NetworkFields(NetworkRecord network) : IFieldSource
{
    public bool TryGetField(IReadOnlyList<string> fieldPath, out string value)
    {
        value = "";
        switch (fieldPath)
        {
            case ["name"]:
                value = network.Name;
                return true;
            case ["id"]:
                value = network.Id;
                return true;
            case ["driver"]:
                value = network.Driver;
                return true;
            case ["subnet"]:
                value = network.Subnet;
                return true;
            case ["labels", _, ..]:
                return FieldPaths.TryGetLabel(fieldPath, network.Labels, out value);
            default:
                return false;
        }
    }
}
