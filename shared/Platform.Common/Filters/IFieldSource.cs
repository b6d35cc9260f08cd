namespace Platform.Common.Filters;

/// <summary>
/// Exposes an object's fields to filters. Adaptors decide which paths exist; a field that is absent
/// is distinct from one that is present and empty (the presence operator tells them apart).
/// </summary>
public interface IFieldSource
{
    bool TryGetField(IReadOnlyList<string> fieldPath, out string value);
}
