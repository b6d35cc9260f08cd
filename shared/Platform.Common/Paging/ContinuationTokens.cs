using System.Text;
using Platform.Common.Errors;

namespace Platform.Common.Paging;

/// <summary>
/// Continuation tokens: opaque to clients, the last key of the previous page inside, behind a short tag naming what
/// was listed (<c>c1</c> containers, <c>i1</c> images), so a token from one list is refused by another.
/// </summary>
public static class ContinuationTokens
{
    public static string? Encode(string tag, string? after) =>
        after is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(tag + ":" + after));

    /// <summary>The key a page starts after, or null for the first page; InvalidArgument for a token this list did not issue.</summary>
    public static string? Decode(string tag, string? token)
    {
        if (string.IsNullOrEmpty(token))
            return null;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.Length > tag.Length && text.StartsWith(tag, StringComparison.Ordinal) && text[tag.Length] == ':')
                return text[(tag.Length + 1)..];
        }
        catch (FormatException)
        {
        }
        throw PlatformException.InvalidArgument("continuationToken is not a token this service issued; pass the one from the previous page unchanged");
    }
}
