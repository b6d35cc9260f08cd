using System.Text;
using Platform.Common.Errors;
using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Content;

/// <summary>Validation of content requests: digests, ingest references, and the ids of image owners.</summary>
public static class ContentRules
{
    public const string DigestPrefix = "sha256:";
    public const int MaxRefLength = 256;
    public const int MaxImageNameBytes = 512;

    /// <summary>The largest read reply, in bytes: a bus message stays bounded whatever the blob's size.</summary>
    public const int MaxReadChunk = 1024 * 1024;

    /// <summary><c>sha256:</c> followed by 64 lower-case hex digits; InvalidArgument otherwise.</summary>
    public static string Digest(string? digest, string what = "digest")
    {
        if (!Common.References.Digests.IsValid(digest))
            throw PlatformException.InvalidArgument($"{what} \"{digest}\" must be sha256: followed by 64 lower-case hex digits");
        return digest!;
    }

    /// <summary>The hex part of a valid digest (the blob's file name).</summary>
    public static string Hex(string digest) => digest[DigestPrefix.Length..];

    /// <summary>An ingest reference: 1 to 256 printable characters (no control characters).</summary>
    public static string Ref(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
            throw PlatformException.InvalidArgument("ingest ref must not be empty");
        if (reference.Length > MaxRefLength)
            throw PlatformException.InvalidArgument($"ingest ref is {reference.Length} characters long; the limit is {MaxRefLength}");
        if (reference.Any(char.IsControl))
            throw PlatformException.InvalidArgument($"ingest ref \"{reference}\" contains a control character");
        return reference;
    }

    /// <summary>
    /// The id of an owner: an image's name (non-empty, at most 512 bytes, no whitespace or control characters) for owner kind
    /// <c>image</c>, the identifier rule for containers and tasks.
    /// </summary>
    public static string OwnerId(string ownerKind, string? ownerId)
    {
        if (ownerKind != OwnerKinds.Image)
        {
            Common.Identifiers.Identifiers.Validate(ownerId, $"{ownerKind} id");
            return ownerId!;
        }
        if (string.IsNullOrEmpty(ownerId))
            throw PlatformException.InvalidArgument("image name must not be empty");
        var bytes = Encoding.UTF8.GetByteCount(ownerId);
        if (bytes > MaxImageNameBytes)
            throw PlatformException.InvalidArgument($"image name is {bytes} bytes long; the limit is {MaxImageNameBytes}");
        if (ownerId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw PlatformException.InvalidArgument($"image name \"{ownerId}\" contains whitespace or a control character");
        return ownerId;
    }
}
