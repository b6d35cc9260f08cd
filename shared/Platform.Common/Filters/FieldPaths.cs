namespace Platform.Common.Filters;

public static class FieldPaths
{
    public const string LabelsField = "labels";

    /// <summary>
    /// Resolves <c>labels.&lt;key&gt;</c>. Everything after <c>labels</c> is joined with '.', so
    /// <c>labels.a.b</c> and <c>labels."a.b"</c> both name the label <c>a.b</c>.
    /// </summary>
    public static bool TryGetLabel(IReadOnlyList<string> path, IReadOnlyDictionary<string, string> labels, out string value)
    {
        if (path.Count < 2 || path[0] != LabelsField)
        {
            value = "";
            return false;
        }

        var key = path.Count == 2 ? path[1] : JoinTail(path);
        if (labels.TryGetValue(key, out var found))
        {
            value = found;
            return true;
        }

        value = "";
        return false;
    }

    private static string JoinTail(IReadOnlyList<string> path)
    {
        var parts = new string[path.Count - 1];
        for (var i = 1; i < path.Count; i++)
        {
            parts[i - 1] = path[i];
        }

        return string.Join('.', parts);
    }
}
