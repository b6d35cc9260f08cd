using Platform.Common.Errors;

namespace Platform.Cli.Commands.Cp;

/// <summary>
/// One side of <c>cp</c>: <c>ID:PATH</c> in a container, or a local path (docker's rule: a path starting with
/// <c>/</c> or <c>.</c>, or without a colon, is local; so a local name with a colon is written <c>./a:b</c>), or
/// <c>-</c> for a tar stream on stdin or stdout.
/// </summary>
internal sealed record CopyPath(string? ContainerId, string Path)
{
    public bool IsStream => ContainerId is null && Path == "-";

    public static CopyPath Parse(string text)
    {
        if (text.StartsWith('/') || text.StartsWith('.'))
            return new CopyPath(null, text);
        var colon = text.IndexOf(':');
        if (colon < 0)
            return new CopyPath(null, text);
        if (colon == 0 || colon == text.Length - 1)
            throw PlatformException.InvalidArgument($"cp: {text} needs a container id before the ':' and a path after it");
        return new CopyPath(text[..colon], text[(colon + 1)..]);
    }

    /// <summary>Whether the path asks for a folder's contents (<c>DIR/.</c>) or for a folder at all (a trailing <c>/</c>).</summary>
    public bool ContentsOnly => Path.EndsWith("/.", StringComparison.Ordinal) || Path == ".";

    public bool MustBeFolder => Path.EndsWith('/') || ContentsOnly;
}
