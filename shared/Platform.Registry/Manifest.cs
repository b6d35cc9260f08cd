using Platform.Client.Images;

namespace Platform.Client.Registry;

/// <summary>A manifest (or index) and its descriptor; the digest has been checked against <paramref name="Bytes"/>.</summary>
public sealed record Manifest(Descriptor Descriptor, byte[] Bytes);
