using Platform.Common.Errors;
using Platform.Contracts.Resources;

namespace Platform.ResourceGc.Store;

/// <summary>
/// The expected failures of resource operations, worded once: both stores, the service and imports refuse the
/// same things and must say so the same way.
/// </summary>
internal static class ResourceErrors
{
    public static PlatformException SnapshotNotFound(string ns, string snapshotter, string key) =>
        PlatformException.NotFound($"snapshot {snapshotter}/{key} not found in namespace {ns}");

    public static PlatformException ParentNotFound(string ns, string snapshotter, string parent) =>
        PlatformException.NotFound($"parent snapshot {snapshotter}/{parent} not found in namespace {ns}");

    public static PlatformException ParentNotCommitted(string snapshotter, string parent, SnapshotKind kind) =>
        PlatformException.InvalidArgument($"parent snapshot {snapshotter}/{parent} is {Word(kind)}, not committed; only committed snapshots can be parents");

    public static PlatformException SnapshotExists(string ns, string snapshotter, string key) =>
        PlatformException.AlreadyExists($"snapshot {snapshotter}/{key} already exists in namespace {ns}");

    public static PlatformException NotActive(string snapshotter, string key, SnapshotKind kind) =>
        PlatformException.FailedPrecondition($"snapshot {snapshotter}/{key} is {Word(kind)}; only active snapshots can be committed");

    public static PlatformException CommittedWhileUsed(string snapshotter, string key, IEnumerable<string> users) =>
        PlatformException.FailedPrecondition($"snapshot {snapshotter}/{key} cannot be committed while {string.Join(", ", users)} use it");

    public static PlatformException HasChildren(string snapshotter, string key, IEnumerable<string> children) =>
        PlatformException.FailedPrecondition($"snapshot {snapshotter}/{key} has children ({string.Join(", ", children.Take(5))}); remove them first");

    public static PlatformException InUse(string snapshotter, string key, IEnumerable<string> owners) =>
        PlatformException.FailedPrecondition($"snapshot {snapshotter}/{key} is in use by {string.Join(", ", owners)}");

    public static PlatformException LeaseNotFound(string ns, string id) =>
        PlatformException.NotFound($"lease {id} not found in namespace {ns}");

    public static PlatformException LeaseExists(string ns, string id) =>
        PlatformException.AlreadyExists($"lease {id} already exists in namespace {ns}");

    public static PlatformException ContentNotFound(string ns, string digest) =>
        PlatformException.NotFound($"content {digest} not found in namespace {ns}");

    public static PlatformException ContentInUse(string digest, IEnumerable<string> holders) =>
        PlatformException.FailedPrecondition($"content {digest} is in use by {string.Join(", ", holders)}");

    /// <summary>NotFound for a missing resource of either kind (<paramref name="space"/> is a snapshotter or <c>content</c>).</summary>
    public static PlatformException ResourceNotFound(string ns, string space, string key) =>
        ResourceSpaces.IsContent(space) ? ContentNotFound(ns, key) : SnapshotNotFound(ns, space, key);

    private static string Word(SnapshotKind kind) => kind.ToString().ToLowerInvariant();
}
