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
}
