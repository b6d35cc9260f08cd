using System.Text;
using Platform.Common.Errors;

namespace Platform.ResourceGc.Import;

/// <summary>
/// Entry names of an archive as parts below the snapshot root, checked by name alone before anything is touched: a
/// leading <c>/</c> is dropped (as tar does, so an absolute name lands inside), <c>.</c> and empty parts are dropped,
/// <c>..</c> goes up one part. A <c>..</c> above the root, a NUL, a part longer than NAME_MAX (255 bytes), a
/// name whose path on disk would reach PATH_MAX (4096 bytes with its NUL: no path-based tool could remove it later),
/// or a <c>.wh.</c> part anywhere but last is InvalidArgument. Symlinks are dealt with by the walk, never here.
/// </summary>
internal static class EntryNames
{
    public const int PathMax = 4096;
    public const int NameMax = 255;
    public const string WhiteoutPrefix = ".wh.";
    public const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>The parts of <paramref name="name"/>, or null for the root itself. <paramref name="what"/> starts the refusal ("archive entry x").</summary>
    public static string[]? Parts(string name, int rootBytes, string what)
    {
        if (name.Contains('\0'))
            throw PlatformException.InvalidArgument($"{what} has a NUL byte in its name");
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (parts.Count == 0)
                        throw PlatformException.InvalidArgument($"{what} would land outside the snapshot");
                    parts.RemoveAt(parts.Count - 1);
                    continue;
            }
            if (Encoding.UTF8.GetByteCount(part) > NameMax)
                throw PlatformException.InvalidArgument($"{what} has a part of {Encoding.UTF8.GetByteCount(part)} bytes, longer than NAME_MAX ({NameMax})");
            parts.Add(part);
        }
        if (parts.Count == 0)
            return null;
        var bytes = rootBytes + parts.Sum(p => 1 + Encoding.UTF8.GetByteCount(p));
        if (bytes >= PathMax || Encoding.UTF8.GetByteCount(name) >= PathMax)
            throw PlatformException.InvalidArgument(
                $"{what} is {Encoding.UTF8.GetByteCount(name)} bytes long; in the snapshot's folder it would be {bytes}, past PATH_MAX ({PathMax - 1} and a NUL)");
        for (var i = 0; i < parts.Count - 1; i++)
            if (parts[i].StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
                throw PlatformException.InvalidArgument($"{what} has the whiteout {parts[i]} as a folder; a whiteout is only ever the last part of a name");
        return [.. parts];
    }

    /// <summary>The parts joined again (the key of what an archive wrote).</summary>
    public static string Join(IReadOnlyList<string> parts, int count) => string.Join('/', parts.Take(count));

    /// <summary>A name fit for a message: long names are cut.</summary>
    public static string Show(string name) => name.Length <= 120 ? name : name[..100] + $"… ({name.Length} characters)";
}
