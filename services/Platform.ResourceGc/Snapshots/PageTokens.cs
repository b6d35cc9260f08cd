using System.Text;
using Platform.Common.Errors;

namespace Platform.ResourceGc.Snapshots;

/// <summary>Continuation tokens: opaque to clients, the last key of the previous page inside.</summary>
public static class PageTokens
{
    public static string? Encode(string? after) =>
        after is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes("s1:" + after));

    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
            return null;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("s1:", StringComparison.Ordinal))
                return text[3..];
        }
        catch (FormatException)
        {
        }
        throw PlatformException.InvalidArgument("continuationToken is not a token this service issued; pass the one from the previous page unchanged");
    }
}
