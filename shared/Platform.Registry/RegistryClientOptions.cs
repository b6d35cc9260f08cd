namespace Platform.Client.Registry;

/// <summary>How a <see cref="RegistryClient"/> talks to its registry.</summary>
public sealed class RegistryClientOptions
{
    /// <summary>Use <c>http://</c> instead of <c>https://</c>. Only for registries on a trusted network (tests, loopback). Default false.</summary>
    public bool PlainHttp { get; set; }

    /// <summary>Credentials to use; when set, <see cref="CredentialSource"/> is not consulted. Default none.</summary>
    public RegistryCredentials? Credentials { get; set; }

    /// <summary>Where to look credentials up (e.g. <see cref="DockerConfigCredentials"/>) when <see cref="Credentials"/> is not set. Default none: anonymous.</summary>
    public IRegistryCredentialSource? CredentialSource { get; set; }

    /// <summary>
    /// How long one request may take, including any token request it needs. Blob bodies are exempt once
    /// their headers have arrived (downloads) or while they are sent in one piece (uploads); the caller's
    /// cancellation token bounds those. Default 30 s.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upload blobs larger than this in PATCH chunks of this size; 0 sends every blob in one PUT. Bytes. Default 0.</summary>
    public int UploadChunkSize { get; set; }

    /// <summary>Clock for token expiry. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (Timeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Timeout must be positive.");
        if (UploadChunkSize < 0)
            throw new ArgumentOutOfRangeException(nameof(UploadChunkSize), UploadChunkSize, "UploadChunkSize must be 0 (one PUT) or a positive number of bytes.");
    }
}
