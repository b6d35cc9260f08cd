using Platform.Common.Errors;

namespace Platform.Common.Identifiers;

/// <summary>
/// The rule for names of objects and namespaces: ASCII letters and digits, optionally separated by single
/// '.', '_' or '-', never at the start or end, at most <see cref="MaxLength"/> bytes.
/// </summary>
public static class Identifiers
{
    /// <summary>Identifiers are ASCII, so this is both the byte and the character limit.</summary>
    public const int MaxLength = 76;

    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && HasValidGrammar(value);

    /// <param name="what">The field as a person names it, e.g. "container id"; it starts the message.</param>
    public static void Validate(string? value, string what)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw PlatformException.InvalidArgument($"{what} must not be empty");
        }

        if (value.Length > MaxLength)
        {
            // The value may be arbitrarily large; echoing the allowed prefix is enough to recognise it.
            throw PlatformException.InvalidArgument(
                $"{what} \"{value[..MaxLength]}…\" is {value.Length} characters long; the limit is {MaxLength}");
        }

        if (!HasValidGrammar(value))
        {
            throw PlatformException.InvalidArgument(
                $"{what} \"{value}\" is invalid: use letters and digits, optionally separated by single '.', '_' or '-', not at the start or end");
        }
    }

    private static bool HasValidGrammar(string value)
    {
        // Starts true so that a leading separator and an empty value both fail.
        var needAlphanumeric = true;
        foreach (var c in value)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                needAlphanumeric = false;
            }
            else if (!needAlphanumeric && c is '.' or '_' or '-')
            {
                needAlphanumeric = true;
            }
            else
            {
                return false;
            }
        }

        return !needAlphanumeric;
    }
}
