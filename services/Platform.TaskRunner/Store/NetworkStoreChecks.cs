using Platform.Common.Errors;
using Platform.TaskRunner.Networks;

namespace Platform.TaskRunner.Store;

/// <summary>The network store's one refusal, worded the same by both implementations.</summary>
internal static class NetworkStoreChecks
{
    public static PlatformException AlreadyExists(NetworkRecord network) =>
        PlatformException.AlreadyExists($"network {network.Namespace}/{network.Name} (or its id or bridge {network.Bridge}) already exists");
}
