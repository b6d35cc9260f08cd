using Microsoft.Extensions.Options;
using Platform.Common.Errors;

namespace Platform.ResourceGc.Pull;

/// <summary>
/// Which registries this service fetches from: a server that makes HTTP requests to addresses users name must be able to
/// keep them away from what only it can reach (a metadata endpoint, an admin port). A configuration list rather than a
/// per-user grant: what is reachable from a node is the operator's knowledge, the same for every user.
/// </summary>
public sealed class RegistryPolicy(IOptions<PullOptions> options)
{
    /// <summary>PermissionDenied unless <paramref name="host"/> is allowed (any host when the list is empty).</summary>
    public void Check(string host)
    {
        var allowed = options.Value.AllowedRegistries;
        if (allowed.Count == 0 || allowed.Any(pattern => Matches(pattern.Trim(), host)))
            return;
        throw PlatformException.PermissionDenied(
            $"registry {host} is not one this service may pull from (ResourceGc:Pull:AllowedRegistries: {string.Join(", ", allowed)})");
    }

    private static bool Matches(string pattern, string host) =>
        pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1
            : string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
}
