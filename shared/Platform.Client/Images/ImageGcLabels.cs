namespace Platform.Client.Images;

/// <summary>
/// The labels that make an image's content a graph the collector follows: a manifest names its config and layers, an
/// index its manifests (containerd's <c>containerd.io/gc.ref.content.*</c>, with our prefix). Written on each blob when it
/// is stored, so whatever keeps the top (an image, a lease) keeps everything below it.
/// </summary>
public static class ImageGcLabels
{
    public const string ContentRef = "platform.io/gc.ref.content";

    /// <summary>The labels for a blob; only manifests and indexes have any, read from their JSON (<paramref name="json"/>).</summary>
    public static IReadOnlyDictionary<string, string> For(Descriptor descriptor, ReadOnlySpan<byte> json)
    {
        var labels = new Dictionary<string, string>();
        if (MediaTypes.IsManifest(descriptor.MediaType))
        {
            var manifest = OciJson.ParseManifest(json, $"manifest {descriptor.Digest}");
            labels[ContentRef + ".config"] = manifest.Config!.Digest;
            for (var i = 0; i < manifest.Layers.Count; i++)
                labels[$"{ContentRef}.l.{i}"] = manifest.Layers[i].Digest;
        }
        else if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            var index = OciJson.ParseIndex(json, $"index {descriptor.Digest}");
            for (var i = 0; i < index.Manifests.Count; i++)
                labels[$"{ContentRef}.m.{i}"] = index.Manifests[i].Digest;
        }
        return labels;
    }

    /// <summary>Whether a blob of this type is a JSON document whose labels come from its content.</summary>
    public static bool HasLabels(string mediaType) => MediaTypes.IsManifest(mediaType) || MediaTypes.IsIndex(mediaType);
}
