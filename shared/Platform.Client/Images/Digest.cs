using System.Security.Cryptography;
using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>
/// Content digests in the only form Platform stores: <c>sha256:</c> followed by 64 lower-case hex digits.
/// </summary>
public static class Digest
{
    public const string Sha256Prefix = "sha256:";

    public static bool IsValid(string? digest) => Common.References.Digests.IsValid(digest);

    /// <summary>Returns <paramref name="digest"/> when valid; otherwise InvalidArgument naming <paramref name="what"/>.</summary>
    public static string Validate(string? digest, string what = "digest")
    {
        if (!IsValid(digest))
            throw PlatformException.InvalidArgument(
                $"{what} \"{digest}\" is not a digest: expected sha256: followed by 64 lower-case hex digits");
        return digest!;
    }

    /// <summary>The 64 hex digits of a valid digest (the file name under <c>blobs/sha256/</c>).</summary>
    public static string Hex(string digest) => Validate(digest)[Sha256Prefix.Length..];

    public static string FromHash(ReadOnlySpan<byte> sha256) => Sha256Prefix + Convert.ToHexStringLower(sha256);

    public static string Compute(ReadOnlySpan<byte> content) => FromHash(SHA256.HashData(content));

    public static string Compute(string text) => Compute(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Digest and length of a stream read to its end (the stream is not rewound or disposed).</summary>
    public static async Task<(string Digest, long Size)> ComputeAsync(Stream content, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            size += read;
        }
        return (FromHash(hash.GetHashAndReset()), size);
    }
}
