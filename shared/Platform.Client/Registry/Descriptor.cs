namespace Platform.Client.Registry;

/// <summary>
/// What a registry holds, by content: <paramref name="MediaType"/> (e.g. <see cref="MediaTypes.OciManifest"/>),
/// <paramref name="Digest"/> (<c>sha256:</c> and 64 lower-case hex digits) and <paramref name="Size"/> in bytes.
/// </summary>
public sealed record Descriptor(string MediaType, string Digest, long Size);

/// <summary>A manifest (or index) and its descriptor; the digest has been checked against <paramref name="Bytes"/>.</summary>
public sealed record Manifest(Descriptor Descriptor, byte[] Bytes);
