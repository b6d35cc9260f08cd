using Platform.Common.Errors;

namespace Platform.Cli.Input;

/// <summary><c>KEY=VALUE</c> arguments such as labels. <c>KEY=</c> is kept with an empty value, which removes the label.</summary>
internal static class KeyValues
{
    /// <param name="what">How the user gave them, for messages: "--label" or "label argument".</param>
    /// <exception cref="PlatformException">InvalidArgument when an item has no '=' or an empty key.</exception>
    public static Dictionary<string, string> Parse(IEnumerable<string>? items, string what)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            var equals = item.IndexOf('=');
            if (equals < 0)
                throw PlatformException.InvalidArgument($"{what} \"{item}\" must be KEY=VALUE (KEY= removes the label)");
            if (equals == 0)
                throw PlatformException.InvalidArgument($"{what} \"{item}\" has an empty key");
            result[item[..equals]] = item[(equals + 1)..];
        }
        return result;
    }
}
