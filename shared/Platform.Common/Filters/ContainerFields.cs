using Platform.Contracts.Containers;

namespace Platform.Common.Filters;

/// <summary>The fields a container filter can test: <c>id</c>, <c>image</c>, <c>runtime.name</c>, <c>labels.KEY</c>.</summary>
public readonly struct ContainerFields(Container container) : IFieldSource
{
    public bool TryGetField(IReadOnlyList<string> fieldPath, out string value)
    {
        value = "";
        if (fieldPath.Count == 0)
            return false;
        switch (fieldPath[0])
        {
            case "id" when fieldPath.Count == 1:
                value = container.Id;
                return true;
            case "image" when fieldPath.Count == 1:
                value = container.Image ?? "";
                return container.Image is not null;
            case "runtime" when fieldPath.Count == 2 && fieldPath[1] == "name":
                value = container.Runtime.Name;
                return true;
            case "labels":
                return FieldPaths.TryGetLabel(fieldPath, container.Labels, out value);
            default:
                return false;
        }
    }
}
