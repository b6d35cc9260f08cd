using Platform.Common.Filters;
using Platform.Contracts;

namespace Platform.Common.Events;

/// <summary>
/// An event's fields for filters: <c>type</c> (e.g. ContainerCreated), <c>namespace</c>, <c>id</c> (the container's id,
/// the snapshot's key or the lease's id) and <c>labels.&lt;key&gt;</c> (the object's, when the event carries them).
/// Anything else is absent.
/// </summary>
public sealed class EventFields(IPlatformEvent e) : IFieldSource
{
    public bool TryGetField(IReadOnlyList<string> fieldPath, out string value)
    {
        value = "";
        if (fieldPath.Count == 0)
            return false;
        if (fieldPath[0] == FieldPaths.LabelsField)
            return EventSubject.Labels(e) is { } labels && FieldPaths.TryGetLabel(fieldPath, labels, out value);
        if (fieldPath.Count != 1)
            return false;
        var found = fieldPath[0] switch
        {
            "type" => e.GetType().Name,
            "namespace" => e.Namespace,
            "id" => EventSubject.Id(e),
            _ => null,
        };
        value = found ?? "";
        return found is not null;
    }
}
