using System.Text.RegularExpressions;
using Platform.Common.Errors;

namespace Platform.Common.Identifiers;

/// <summary>The rule for a Platform user's name (its broker user's): checked by the CLI before it makes the broker user, and by the metadata service.</summary>
public static partial class UserNames
{
    /// <summary>Returns <paramref name="name"/> when valid; otherwise InvalidArgument naming <paramref name="field"/> and the rule.</summary>
    public static string Validate(string? name, string field)
    {
        if (string.IsNullOrEmpty(name))
            throw PlatformException.InvalidArgument($"{field}: required");
        if (!Rule().IsMatch(name))
            throw PlatformException.InvalidArgument($"{field}: \"{name}\" must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        return name;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex Rule();
}
