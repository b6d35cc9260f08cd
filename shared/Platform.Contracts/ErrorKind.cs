namespace Platform.Contracts;

/// <summary>
/// The closed set of error kinds every service replies with, modelled on containerd's errdefs.
/// Callers branch on the kind, never on message text.
/// </summary>
public enum ErrorKind
{
    /// <summary>The request is malformed: a field breaks a rule. The message names the field and the rule.</summary>
    InvalidArgument = 1,

    /// <summary>The object the request names does not exist in its namespace.</summary>
    NotFound = 2,

    /// <summary>An object with the same identifier already exists in the namespace.</summary>
    AlreadyExists = 3,

    /// <summary>The object is not in a state that allows the operation (a live task, a version mismatch, children).</summary>
    FailedPrecondition = 4,

    /// <summary>A service or dependency could not be reached in time; retrying later may succeed.</summary>
    Unavailable = 5,

    /// <summary>An unexpected failure inside a service. The message says where to look.</summary>
    Internal = 6,

    /// <summary>The caller may not do this: a registry refused the credentials, or (later) a grant is missing. The message names who refused.</summary>
    PermissionDenied = 7,

    /// <summary>A limit was reached (disk space, a quota, a registry's rate limit); retrying after freeing or waiting may succeed.</summary>
    ResourceExhausted = 8,
}
