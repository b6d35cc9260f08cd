using Platform.Common.Errors;
using Platform.Common.Labels;
using Platform.Contracts;

namespace Platform.ResourceGc.Snapshots;

/// <summary>Validation shared by the resource commands.</summary>
public static class SnapshotRules
{
    public const int MaxKeyLength = 1024;

    public static string Namespace(string? requested)
    {
        var ns = string.IsNullOrEmpty(requested) ? Namespaces.Default : requested;
        Common.Identifiers.Identifiers.Validate(ns, "namespace");
        return ns;
    }

    /// <summary>Snapshot keys are free text as in containerd (often a path or a digest), but never empty, huge or with control characters.</summary>
    public static string Key(string? key, string what = "snapshot key")
    {
        if (string.IsNullOrEmpty(key))
            throw PlatformException.InvalidArgument($"{what} must not be empty");
        if (key.Length > MaxKeyLength)
            throw PlatformException.InvalidArgument($"{what} is {key.Length} characters long; the limit is {MaxKeyLength}");
        if (key.Any(char.IsControl))
            throw PlatformException.InvalidArgument($"{what} \"{key}\" contains a control character");
        return key;
    }

    public static Dictionary<string, string> Labels(IReadOnlyDictionary<string, string>? labels)
    {
        var result = new Dictionary<string, string>();
        if (labels is not null)
            foreach (var (k, v) in labels)
                Common.Labels.Labels.Set(result, k, v);
        Common.Labels.Labels.Validate(result);
        return result;
    }

    /// <summary>
    /// A labels update of a snapshot or a blob, as containerd's masks work: no mask replaces all labels; <c>labels</c>
    /// replaces them; <c>labels.KEY</c> sets (or, empty, removes) that key of <paramref name="stored"/>. Any other path is
    /// InvalidArgument naming <paramref name="what"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ApplyLabelMask(IReadOnlyDictionary<string, string> stored, IReadOnlyList<string>? mask,
        IReadOnlyDictionary<string, string>? given, string what)
    {
        if (mask is not { Count: > 0 })
            return Labels(given);
        var labels = new Dictionary<string, string>(stored);
        foreach (var path in mask)
        {
            if (path == "labels")
                labels = Labels(given);
            else if (path.StartsWith("labels.", StringComparison.Ordinal))
                Common.Labels.Labels.Set(labels, path["labels.".Length..], given?.GetValueOrDefault(path["labels.".Length..]));
            else
                throw PlatformException.InvalidArgument($"{what}: cannot update {path}; updatable paths are labels and labels.<key>");
        }
        Common.Labels.Labels.Validate(labels);
        return labels;
    }
}
