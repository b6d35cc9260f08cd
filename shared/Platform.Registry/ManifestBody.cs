using System.Text.Json;
using Platform.Client.Images;

namespace Platform.Client.Registry;

/// <summary>Reads a manifest's body from a registry's answer: bounded in size, and typed by its header or its content.</summary>
internal static class ManifestBody
{
    // Registries refuse larger manifests (the distribution spec suggests 4 MiB); more is an answer gone wrong.
    private const int MaxManifestBytes = 4 * 1024 * 1024;

    public static async Task<byte[]> ReadAsync(HttpResponseMessage response, string registry, string what, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxManifestBytes)
            throw RegistryErrors.Invalid($"Registry {registry} sent {response.Content.Headers.ContentLength} bytes for {what}; manifests are at most {MaxManifestBytes}.");
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            copy.Write(buffer, 0, read);
            if (copy.Length > MaxManifestBytes)
                throw RegistryErrors.Invalid($"Registry {registry} sent more than {MaxManifestBytes} bytes for {what}.");
        }
        return copy.ToArray();
    }

    /// <summary>
    /// The Content-Type when it is a manifest type (and the body does not contradict it); else the body's own
    /// <c>mediaType</c>, or its shape (an OCI manifest may omit the field).
    /// </summary>
    public static string MediaType(string? contentType, byte[] bytes, string registry, string what)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw RegistryErrors.Invalid($"Registry {registry} sent {what} that is not valid JSON: {e.Message}", e);
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw RegistryErrors.Invalid($"Registry {registry} sent {what} that is not a JSON object.");
        var declared = root.TryGetProperty("mediaType", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        if (MediaTypes.IsManifestOrIndex(contentType))
        {
            // A body that says it is something else (an index served as a manifest) would be read wrongly.
            if (MediaTypes.IsManifestOrIndex(declared) && declared != contentType)
                throw RegistryErrors.Invalid($"Registry {registry} sent {what} as {contentType}, but its content says {declared}.");
            return contentType!;
        }
        if (MediaTypes.IsManifestOrIndex(declared))
            return declared!;
        if (declared is null && root.TryGetProperty("schemaVersion", out var v) && v.ValueKind == JsonValueKind.Number && v.GetInt32() == 2)
        {
            if (root.TryGetProperty("manifests", out _))
                return MediaTypes.OciIndex;
            if (root.TryGetProperty("config", out _) && root.TryGetProperty("layers", out _))
                return MediaTypes.OciManifest;
        }
        throw RegistryErrors.Invalid($"Registry {registry} sent {what} of media type '{declared ?? contentType}', which this client does not read (supported: {string.Join(", ", MediaTypes.Manifests)}).");
    }
}
