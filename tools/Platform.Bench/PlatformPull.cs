using Platform.Client;

namespace Platform.Bench;

/// <summary>
/// The one place the image benchmark calls Platform's registry pull, so the harness does not wait for its API.
/// Until <see cref="PullAsync"/> calls the puller, <see cref="Missing"/> says why the figure is not measured, and the
/// benchmark prints that instead of a number.
/// </summary>
public static class PlatformPull
{
    /// <summary>Set to true once <see cref="PullAsync"/> really pulls.</summary>
    private const bool Wired = false;

    /// <summary>Why the pull cannot be measured in this build, or null when it can.</summary>
    public static string? Missing =>
        Wired ? null
        : typeof(PlatformClient).Assembly.GetType("Platform.Client.Images.ImagePuller") is null
            ? "no puller in this build"
            : "ImagePuller is in this build, but tools/Platform.Bench/PlatformPull.cs does not call it yet";

    /// <summary>
    /// Pulls <paramref name="reference"/> (<c>127.0.0.1:PORT/REPO:TAG</c>, a plain-HTTP registry on the loopback address)
    /// into namespace <paramref name="ns"/>, names the image <paramref name="reference"/>, and unpacks it when
    /// <paramref name="unpack"/>; returns when all of that is done.
    /// </summary>
    public static Task PullAsync(PlatformClient client, string reference, string ns, bool unpack, CancellationToken ct) =>
        throw new NotSupportedException($"pull: {Missing}");
}
