using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;
using Platform.ResourceGc.Drivers;

namespace Platform.ResourceGc.Snapshots;

/// <summary>The snapshotters this service offers, by name, and the default one.</summary>
public sealed class Snapshotters
{
    private readonly Dictionary<string, ISnapshotDriver> _drivers;

    public Snapshotters(IOptions<StoreOptions> store, IOptions<ResourceGcOptions> options)
    {
        var root = store.Value.DataRoot;
        // Owner-only like each driver's root below it; an older version made it 0755.
        PrivateFiles.EnsureFolder(DriverSelector.SnapshotsFolder(root));
        _drivers = new[] { "overlayfs", "native" }.ToDictionary(name => name, name => DriverSelector.Create(name, root));
        Default = options.Value.DefaultSnapshotter ?? DriverSelector.DefaultName(root);
        if (!_drivers.ContainsKey(Default))
            throw new OptionsValidationException(ResourceGcOptions.Section, typeof(ResourceGcOptions),
                [$"ResourceGc:DefaultSnapshotter must be one of {string.Join(", ", _drivers.Keys)}, not {Default}"]);
    }

    public string Default { get; }

    public IEnumerable<ISnapshotDriver> All => _drivers.Values;

    /// <summary>The named driver (the default when none is named); InvalidArgument naming the known ones otherwise.</summary>
    public ISnapshotDriver Get(string? name) =>
        _drivers.GetValueOrDefault(string.IsNullOrEmpty(name) ? Default : name)
        ?? throw PlatformException.InvalidArgument($"snapshotter \"{name}\" is unknown; this service has {string.Join(", ", _drivers.Keys)}");

    public string NameOf(string? name) => Get(name).Name;
}
