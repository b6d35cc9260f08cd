using Platform.Contracts;

namespace Platform.Cli;

/// <summary>Process exit codes: one per error kind, so scripts branch on the code as callers branch on the kind.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Unexpected = 1;
    public const int Usage = 2;
    public const int InvalidArgument = 3;
    public const int NotFound = 4;
    public const int AlreadyExists = 5;
    public const int FailedPrecondition = 6;
    public const int Unavailable = 7;
    public const int Internal = 8;
    public const int PermissionDenied = 9;
    public const int ResourceExhausted = 10;
    public const int Interrupted = 130;

    /// <summary><c>run</c> and <c>tasks exec</c> exit with their process's status; this when it can't be known.</summary>
    public const int UnknownExitStatus = 255;

    public static int For(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => InvalidArgument,
        ErrorKind.NotFound => NotFound,
        ErrorKind.AlreadyExists => AlreadyExists,
        ErrorKind.FailedPrecondition => FailedPrecondition,
        ErrorKind.Unavailable => Unavailable,
        ErrorKind.Internal => Internal,
        ErrorKind.PermissionDenied => PermissionDenied,
        ErrorKind.ResourceExhausted => ResourceExhausted,
        _ => Unexpected,
    };

    /// <summary>The table shown in the root command's help.</summary>
    public const string Table = """
        Exit codes:
          0    success
          1    unexpected failure
          2    usage error (unknown command, missing or malformed option)
          3    InvalidArgument     a value breaks a rule (id, label, filter, spec file, --from, archive)
          4    NotFound            the container, image, snapshot, content or lease does not exist in the namespace
          5    AlreadyExists       a container, snapshot or lease with that id or key already exists
          6    FailedPrecondition  the object's state forbids it (a live task, a snapshot's children)
          7    Unavailable         the broker or the service did not answer in time
          8    Internal            a service failed unexpectedly
          9    PermissionDenied    a registry (or a grant) refused the caller
          10   ResourceExhausted   a limit was reached (disk space, a registry's rate limit)
          130  interrupted (Ctrl-C)
        run and tasks exec exit with the process's own exit status instead once it ran (0-255; 128 + N when
        signal N ended it; 255 when the status is unknown).
        """;
}
