using System.Text.RegularExpressions;
using Platform.Client.Images;

namespace Platform.Client.Registry;

/// <summary>Checks of repository names, tags and digests before they go into a URL.</summary>
internal static partial class References
{
    public static bool IsDigest(string reference) => DigestPattern().IsMatch(reference);

    public static void CheckRepository(string repository)
    {
        ArgumentException.ThrowIfNullOrEmpty(repository);
        if (!RepositoryPattern().IsMatch(repository))
            throw new ArgumentException($"'{repository}' is not a repository name (lower-case path components such as 'library/alpine').", nameof(repository));
    }

    public static void CheckReference(string reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        if (!IsDigest(reference) && !TagPattern().IsMatch(reference))
            throw new ArgumentException($"'{reference}' is neither a tag nor a sha256 digest.", nameof(reference));
    }

    public static void CheckDigest(string digest, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(digest, paramName);
        if (!IsDigest(digest))
            throw new ArgumentException($"'{digest}' is not a sha256 digest ('sha256:' and 64 lower-case hex digits).", paramName);
    }

    public static void CheckDescriptor(Descriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        CheckDigest(descriptor.Digest, nameof(descriptor));
        if (descriptor.Size < 0)
            throw new ArgumentOutOfRangeException(nameof(descriptor), descriptor.Size, "A descriptor's size can't be negative.");
    }

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex DigestPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    // The distribution spec's name grammar: path components of [a-z0-9] joined by '.', '_', '__' or dashes.
    [GeneratedRegex("^[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();
}
