namespace Platform.Client.Registry;

/// <summary>The closed set of registry failures a caller maps (to an exit code, an error reply, a retry).</summary>
public enum RegistryErrorKind
{
    /// <summary>401/403 after authenticating: the credentials are missing, wrong, or lack permission.</summary>
    Unauthorized,

    /// <summary>The manifest, blob or repository is unknown to the registry.</summary>
    NotFound,

    /// <summary>The registry can't be reached, timed out, or answered 5xx/429: worth retrying later.</summary>
    Unavailable,

    /// <summary>The registry answered, but wrongly: digest or size mismatch, unknown media type, bad JSON, unexpected status.</summary>
    InvalidResponse,

    /// <summary>The registry refused what was sent (another 4xx, e.g. a manifest naming a blob it lacks, an invalid digest).</summary>
    Rejected,
}

/// <summary>A registry operation failed; <see cref="Kind"/> says how, the message says what to do about it.</summary>
public sealed class RegistryException(RegistryErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public RegistryErrorKind Kind { get; } = kind;

    /// <summary>The HTTP status that caused the failure, when there was one.</summary>
    public int? StatusCode { get; init; }

    public override string ToString() => $"{Kind}: {Message}";
}
