using Platform.Contracts.Containers;
using Xunit;

namespace Platform.Metadata.Tests.Support;

/// <summary>
/// Field-by-field comparison of containers. The record's own equality compares the dictionaries by reference,
/// so it would call two identical containers read from a store different.
/// </summary>
public static class ContainerAssert
{
    public static void Same(Container expected, Container? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Namespace, actual.Namespace);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(Sorted(expected.Labels), Sorted(actual.Labels));
        Assert.Equal(expected.Image, actual.Image);
        Assert.Equal(expected.Runtime.Name, actual.Runtime.Name);
        Assert.Equal(expected.Runtime.Options, actual.Runtime.Options);
        Assert.Equal(expected.Spec, actual.Spec);
        Assert.Equal(expected.Snapshotter, actual.Snapshotter);
        Assert.Equal(expected.SnapshotKey, actual.SnapshotKey);
        Assert.Equal(Sorted(expected.Extensions), Sorted(actual.Extensions));
        Assert.Equal(expected.CreatedAt.UtcTicks, actual.CreatedAt.UtcTicks);
        Assert.Equal(expected.UpdatedAt.UtcTicks, actual.UpdatedAt.UtcTicks);
        Assert.Equal(expected.Version, actual.Version);
    }

    public static KeyValuePair<string, string>[] Sorted(IReadOnlyDictionary<string, string> map) =>
        [.. map.OrderBy(kv => kv.Key, StringComparer.Ordinal)];
}
