namespace Platform.ResourceGc.Drivers;

/// <summary>Picks a snapshot driver by its wire name; each keeps its folders under <c>{dataRoot}/snapshots/{name}</c>.</summary>
public static class DriverSelector
{
    public const string OverlayName = "overlayfs";
    public const string NativeName = "native";

    /// <summary>The names <see cref="Create"/> knows, the preferred one first.</summary>
    public static IReadOnlyList<string> KnownNames { get; } = [OverlayName, NativeName];

    /// <summary>The driver called <paramref name="name"/> (exact, case-sensitive, as on the wire).</summary>
    public static ISnapshotDriver Create(string name, string dataRoot)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataRoot);
        return name switch
        {
            OverlayName => new OverlayDriver(RootFor(OverlayName, dataRoot)),
            NativeName => new NativeDriver(RootFor(NativeName, dataRoot)),
            _ => throw new ArgumentException(
                $"unknown snapshotter \"{name}\": known snapshotters are {string.Join(", ", KnownNames)}", nameof(name)),
        };
    }

    /// <summary>
    /// "overlayfs" when the kernel mounts overlay at the folder overlayfs would use (probed for real, every call),
    /// otherwise "native", which works anywhere.
    /// </summary>
    public static string DefaultName(string dataRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataRoot);
        return OverlayDriver.IsSupported(RootFor(OverlayName, dataRoot)) ? OverlayName : NativeName;
    }

    /// <summary>The folder above every driver's root: <c>{dataRoot}/snapshots</c>.</summary>
    public static string SnapshotsFolder(string dataRoot) => Path.Combine(Path.GetFullPath(dataRoot), "snapshots");

    private static string RootFor(string name, string dataRoot) => Path.Combine(SnapshotsFolder(dataRoot), name);
}
