using System.Diagnostics.CodeAnalysis;
using Platform.Common.Errors;

namespace Platform.Common.References;

/// <summary>
/// An image name in docker's reference grammar, normalised the way docker normalises what users type:
/// <c>busybox</c> is <c>docker.io/library/busybox:latest</c>, <c>acc/bb:1</c> is <c>docker.io/acc/bb:1</c>, and a first
/// component holding a <c>.</c> or <c>:</c>, or equal to <c>localhost</c>, names a registry (<c>127.0.0.1:5000/x:1</c>).
/// <c>name@sha256:…</c> pins a digest (then no default tag is added); <c>name:tag@sha256:…</c> keeps both.
/// </summary>
/// <remarks>
/// Grammar: <c>[domain[:port]/]path[:tag][@digest]</c>. The domain is dot-separated components of letters, digits and
/// inner hyphens, or a bracketed IPv6 address; path components are lowercase letters and digits joined by one of
/// <c>.</c>, <c>_</c>, <c>__</c> or a run of <c>-</c>; a tag is <c>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}</c>; a digest is
/// <c>sha256:</c> and 64 lowercase hex digits; <c>domain/path</c> is at most 255 characters. Unlike docker, an
/// upper-case first component is not taken for a registry host: it is a path component, and so an error.
/// </remarks>
public sealed record ImageName
{
    public const string DefaultDomain = "docker.io";
    public const string DefaultTag = "latest";
    public const string OfficialPrefix = "library/";

    /// <summary>Limit on the characters of <c>domain/path</c>.</summary>
    public const int MaxRepositoryLength = 255;

    public const int MaxTagLength = 128;

    // Echoing an arbitrarily long input in a message helps nobody: enough of it to recognise it.
    private const int MaxEchoLength = 300;

    private ImageName(string domain, string path, string? tag, string? digest)
    {
        Domain = domain;
        Path = path;
        Tag = tag;
        Digest = digest;
        Repository = domain + "/" + path;
        Normalized = Repository + (tag is null ? "" : ":" + tag) + (digest is null ? "" : "@" + digest);
        Familiar = FamiliarRepository(domain, path) + (tag is null ? "" : ":" + tag) + (digest is null ? "" : "@" + digest);
    }

    /// <summary>The registry host, with its port when given: <c>docker.io</c>, <c>127.0.0.1:5000</c>.</summary>
    public string Domain { get; }

    /// <summary>The repository path within the registry: <c>library/busybox</c>, <c>acc/bb</c>.</summary>
    public string Path { get; }

    /// <summary>The tag; <c>latest</c> when neither a tag nor a digest was given, null when only a digest was.</summary>
    public string? Tag { get; }

    /// <summary>The pinned digest (<c>sha256:…</c>), or null.</summary>
    public string? Digest { get; }

    /// <summary><c>Domain/Path</c>: the name without tag or digest.</summary>
    public string Repository { get; }

    /// <summary>The full normalised name: <c>docker.io/library/busybox:latest</c>. Two names are one image when these are equal.</summary>
    public string Normalized { get; }

    /// <summary>docker's short form for display: <c>busybox:1.36</c>, <c>acc/bb:1</c>, <c>127.0.0.1:5000/x:1</c>.</summary>
    public string Familiar { get; }

    public override string ToString() => Normalized;

    /// <summary>Parses and normalises a name; InvalidArgument naming the name and the rule it broke.</summary>
    public static ImageName Parse(string? text) =>
        TryParse(text, out var name, out var error) ? name : throw PlatformException.InvalidArgument(error);

    /// <summary>The normalised form of <paramref name="text"/>; InvalidArgument as <see cref="Parse"/>.</summary>
    public static string Normalize(string? text) => Parse(text).Normalized;

    public static bool TryParse(string? text, [NotNullWhen(true)] out ImageName? name) => TryParse(text, out name, out _);

    /// <param name="error">When invalid: a message that names the image name and the rule it broke.</param>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ImageName? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        error = Check(text, out var parts);
        if (error is not null)
            return false;
        name = new ImageName(parts.Domain, parts.Path, parts.Tag, parts.Digest);
        return true;
    }

    private static string? Check(string? text, out (string Domain, string Path, string? Tag, string? Digest) parts)
    {
        parts = default;
        if (string.IsNullOrEmpty(text))
            return "image name must not be empty";
        string Invalid(string rule) => $"image name \"{Echo(text)}\" is invalid: {rule}";

        if (text.Length == 64 && text.All(IsLowerHex))
            return Invalid("a 64-character hexadecimal string is an image id, not a name");

        string? digest = null;
        var rest = text;
        var at = text.IndexOf('@');
        if (at >= 0)
        {
            digest = text[(at + 1)..];
            rest = text[..at];
            if (!Digests.IsValid(digest))
                return Invalid($"the digest \"{Echo(digest)}\" must be sha256: followed by 64 lowercase hexadecimal digits");
        }

        // A tag follows the last ':' after the last '/'; an earlier ':' belongs to a registry's port.
        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!IsValidTag(tag))
                return Invalid($"the tag \"{Echo(tag)}\" must be 1 to {MaxTagLength} letters, digits, '_', '.' or '-', not starting with '.' or '-'");
        }

        if (rest.Length == 0)
            return Invalid("a repository name must come before the tag or digest");

        var slash = rest.IndexOf('/');
        string domain, path;
        if (slash >= 0 && IsRegistryHost(rest[..slash]))
        {
            domain = rest[..slash];
            path = rest[(slash + 1)..];
            if (!IsValidDomain(domain))
                return Invalid($"the registry \"{Echo(domain)}\" must be a host name (letters, digits and inner '-', joined by '.') or a bracketed IPv6 address, optionally followed by ':' and a port number");
        }
        else
        {
            domain = DefaultDomain;
            path = rest;
        }
        if (domain == "index.docker.io")
            domain = DefaultDomain;
        if (domain == DefaultDomain && !path.Contains('/'))
            path = OfficialPrefix + path;

        if (path.Any(char.IsAsciiLetterUpper))
            return Invalid($"the repository \"{Echo(path)}\" must be lowercase");
        foreach (var component in path.Split('/'))
            if (!IsValidPathComponent(component))
                return Invalid(component.Length == 0
                    ? "a repository path component must not be empty (no leading, trailing or doubled '/')"
                    : $"the repository path component \"{Echo(component)}\" must be lowercase letters and digits, joined by a single '.', '_', '__' or a run of '-'");

        var length = domain.Length + 1 + path.Length;
        if (length > MaxRepositoryLength)
            return Invalid($"the repository name is {length} characters long; the limit is {MaxRepositoryLength}");

        parts = (domain, path, tag ?? (digest is null ? DefaultTag : null), digest);
        return null;
    }

    private static bool IsRegistryHost(string component) =>
        component.Contains('.') || component.Contains(':') || component == "localhost";

    private static string FamiliarRepository(string domain, string path)
    {
        if (domain != DefaultDomain)
            return domain + "/" + path;
        // docker.io/library/busybox reads as busybox, but docker.io/library/a/b keeps its library/ (docker does the same).
        if (path.StartsWith(OfficialPrefix, StringComparison.Ordinal) && path.IndexOf('/', OfficialPrefix.Length) < 0)
            return path[OfficialPrefix.Length..];
        return path;
    }

    private static bool IsValidTag(string tag)
    {
        if (tag.Length is 0 or > MaxTagLength || !IsWord(tag[0]))
            return false;
        foreach (var c in tag)
            if (!IsWord(c) && c is not '.' and not '-')
                return false;
        return true;
    }

    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>Lowercase alphanumerics joined by one separator: '.', '_', '__' or any run of '-'.</summary>
    private static bool IsValidPathComponent(string component)
    {
        if (component.Length == 0 || !IsLowerAlnum(component[0]) || !IsLowerAlnum(component[^1]))
            return false;
        var i = 0;
        while (i < component.Length)
        {
            if (IsLowerAlnum(component[i]))
            {
                i++;
                continue;
            }
            var start = i;
            while (i < component.Length && !IsLowerAlnum(component[i]))
                i++;
            var separator = component[start..i];
            if (separator is not ("." or "_" or "__") && !separator.All(c => c == '-'))
                return false;
        }
        return true;
    }

    private static bool IsLowerAlnum(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c);

    private static bool IsValidDomain(string domain)
    {
        string host;
        string? port = null;
        if (domain.StartsWith('['))
        {
            var close = domain.IndexOf(']');
            if (close < 0)
                return false;
            host = domain[..(close + 1)];
            var after = domain[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                    return false;
                port = after[1..];
            }
            var address = host[1..^1];
            if (address.Length == 0 || !address.Contains(':') || !address.All(c => char.IsAsciiHexDigit(c) || c == ':'))
                return false;
        }
        else
        {
            var colon = domain.IndexOf(':');
            host = colon < 0 ? domain : domain[..colon];
            port = colon < 0 ? null : domain[(colon + 1)..];
            if (!host.Split('.').All(IsValidHostComponent))
                return false;
        }
        return port is null || (port.Length > 0 && port.All(char.IsAsciiDigit));
    }

    private static bool IsValidHostComponent(string component) =>
        component.Length > 0
        && char.IsAsciiLetterOrDigit(component[0])
        && char.IsAsciiLetterOrDigit(component[^1])
        && component.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static bool IsLowerHex(char c) => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f';

    private static string Echo(string text) => text.Length <= MaxEchoLength ? text : text[..MaxEchoLength] + "…";
}
