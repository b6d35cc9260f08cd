using Platform.Client;
using Platform.Client.Images;

namespace Platform.Bench;

/// <summary>The one place the image benchmark calls Platform's registry pull.</summary>
public static class PlatformPull
{
    /// <summary>Why the pull cannot be measured in this build, or null when it can.</summary>
    public static string? Missing => null;

    /// <summary>
    /// Pulls <paramref name="reference"/> (<c>127.0.0.1:PORT/REPO:TAG</c>, a plain-HTTP registry on the loopback address)
    /// into namespace <paramref name="ns"/>, names the image <paramref name="reference"/>, and unpacks it when
    /// <paramref name="unpack"/>; returns when all of that is done.
    /// </summary>
    public static Task PullAsync(PlatformClient client, string reference, string ns, bool unpack, CancellationToken ct) =>
        new ImagePuller(client).PullAsync(reference, new ImagePullOptions { PlainHttp = true, Namespace = ns, Unpack = unpack }, null, ct);
}
