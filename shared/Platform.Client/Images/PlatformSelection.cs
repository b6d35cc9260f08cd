using Platform.Common.Errors;

namespace Platform.Client.Images;

/// <summary>Picks the manifests of an index that run on a platform.</summary>
public static class PlatformSelection
{
    /// <summary>
    /// The children of <paramref name="index"/> that are manifests for <paramref name="platform"/>, best match first.
    /// A child without a platform never matches (attestations, for one, carry <c>unknown/unknown</c>).
    /// </summary>
    public static IReadOnlyList<Descriptor> Matching(ImageIndex index, ImagePlatform platform) =>
        index.Manifests
            .Where(d => (MediaTypes.IsManifest(d.MediaType) || MediaTypes.IsIndex(d.MediaType)) && d.Platform is not null)
            .Select(d => (Descriptor: d, Rank: platform.Rank(d.Platform!)))
            .Where(x => x.Rank >= 0)
            .OrderByDescending(x => x.Rank)
            .Select(x => x.Descriptor)
            .ToList();

    /// <summary>
    /// The best child of <paramref name="index"/> for <paramref name="platform"/>; NotFound naming the platform and listing
    /// what the index has when none matches. <paramref name="source"/> names the index in that message.
    /// </summary>
    public static Descriptor SelectManifest(ImageIndex index, ImagePlatform platform, string source)
    {
        var matching = Matching(index, platform);
        if (matching.Count > 0)
            return matching[0];
        var available = index.Manifests.Select(d => d.Platform?.ToString() ?? $"(no platform: {d.MediaType})").Distinct().ToList();
        throw PlatformException.NotFound(
            $"{source} has no manifest for platform {platform}; it has: {(available.Count == 0 ? "nothing" : string.Join(", ", available))}");
    }
}
