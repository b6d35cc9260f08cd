namespace Platform.ResourceGc.Pull;

/// <summary>How this service fetches images from registries itself (<c>FetchImage</c>); section <c>ResourceGc:Pull</c>.</summary>
public sealed class PullOptions
{
    public const string Section = "ResourceGc:Pull";

    /// <summary>
    /// Registries (hosts as users name them, with their port: <c>ghcr.io</c>, <c>registry.internal:5000</c>; <c>*.example.com</c>
    /// for any subdomain) this service may fetch from. Empty (the default) allows any: a user with write access to a namespace
    /// can then make this service send HTTP requests to any address it can reach (see SECURITY.md, "Server-side pulls").
    /// A refused registry is PermissionDenied.
    /// </summary>
    public List<string> AllowedRegistries { get; set; } = [];

    /// <summary>How long one registry request may wait for its answer's headers (a blob's body is bounded by the caller only). Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many blobs of one image are fetched at once. Default 4.</summary>
    public int Parallelism { get; set; } = 4;
}
