using Platform.Common.Errors;

namespace Platform.Common.References;

/// <summary>Content digests as Platform accepts them: <c>sha256:</c> followed by 64 lowercase hexadecimal digits.</summary>
public static class Digests
{
    public const string Sha256Prefix = "sha256:";
    public const int Sha256HexLength = 64;

    public static bool IsValid(string? value) =>
        value is not null
        && value.Length == Sha256Prefix.Length + Sha256HexLength
        && value.StartsWith(Sha256Prefix, StringComparison.Ordinal)
        && !value.AsSpan(Sha256Prefix.Length).ContainsAnyExcept("0123456789abcdef");

    /// <param name="what">The field as a person names it, e.g. "image busybox: target.digest"; it starts the message.</param>
    public static void Validate(string? value, string what)
    {
        if (string.IsNullOrEmpty(value))
            throw PlatformException.InvalidArgument($"{what} must be set");
        if (!IsValid(value))
            throw PlatformException.InvalidArgument(
                $"{what} \"{(value.Length <= 100 ? value : value[..100] + "…")}\" is invalid: use sha256: followed by 64 lowercase hexadecimal digits");
    }
}
