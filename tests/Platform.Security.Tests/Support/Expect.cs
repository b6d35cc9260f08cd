using Platform.Common.Errors;
using Platform.Contracts;
using Xunit;

namespace Platform.Security.Tests.Support;

internal static class Expect
{
    /// <summary>The call fails with <paramref name="kind"/>; returns the error for its message.</summary>
    public static async Task<PlatformException> ErrorAsync(ErrorKind kind, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<PlatformException>(call);
        Assert.True(e.Kind == kind, $"expected {kind}, got {e.Kind}: {e.Message}");
        return e;
    }

    public static Task<PlatformException> DeniedAsync(Func<Task> call) => ErrorAsync(ErrorKind.PermissionDenied, call);
}
