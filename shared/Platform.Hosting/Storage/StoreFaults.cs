using Microsoft.Data.Sqlite;
using Platform.Common.Errors;

namespace Platform.Hosting.Storage;

/// <summary>
/// Failures of the machine under a service that its callers should see as what they are, not as an internal error
/// retried three times: a full disk is ResourceExhausted (the write was rolled back or never made, so nothing is
/// half-written; the caller may retry once space is freed), and the service keeps serving reads meanwhile.
/// </summary>
public static class StoreFaults
{
    private const int SqliteFull = 13;  // SQLITE_FULL
    private const int NoSpace = 28;     // ENOSPC, the IOException's HResult on Linux
    private const int QuotaExceeded = 122; // EDQUOT

    /// <summary>The expected failure <paramref name="e"/> stands for, or null when it is not one of these.</summary>
    public static PlatformException? Translate(Exception e) => e switch
    {
        SqliteException { SqliteErrorCode: SqliteFull } =>
            PlatformException.ResourceExhausted("the service's database is on a full disk: the change was not made; free space on the data root and retry"),
        IOException { HResult: NoSpace or QuotaExceeded } =>
            PlatformException.ResourceExhausted("no space left on the service's data root: the change was not made; free space and retry"),
        _ => e.InnerException is { } inner ? Translate(inner) : null,
    };
}
