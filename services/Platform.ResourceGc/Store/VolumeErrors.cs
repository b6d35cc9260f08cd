using Platform.Common.Errors;

namespace Platform.ResourceGc.Store;

internal static class VolumeErrors
{
    public static PlatformException NotFound(string ns, string name) =>
        PlatformException.NotFound($"volume {name} not found in namespace {ns}");

    public static PlatformException Exists(string ns, string name) =>
        PlatformException.AlreadyExists($"volume {name} already exists in namespace {ns}");

    public static PlatformException InUse(string name, IEnumerable<string> containers) =>
        PlatformException.FailedPrecondition($"volume {name} is in use by container(s) {string.Join(", ", containers)}: remove them first");
}
