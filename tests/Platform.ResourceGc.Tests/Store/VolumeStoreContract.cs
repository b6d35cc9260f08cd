using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.Hosting.Outbox;
using Platform.ResourceGc.Store;
using Xunit;

namespace Platform.ResourceGc.Tests.Store;

/// <summary>What every store must do for named volumes: the same suite on SQLite and MongoDB.</summary>
public abstract partial class ResourceStoreContract
{
    private static readonly DateTimeOffset V0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private IVolumeStore Volumes => (IVolumeStore)Store;

    private static EventFactory VolumeEvent(string ns, string name) => seq => new VolumeRemoved
    {
        EventId = Guid.NewGuid(), Timestamp = V0, Namespace = ns, Sequence = seq, Name = name,
    };

    private async Task<VolumeRecord> AddVolumeAsync(string name, string ns = "default", IReadOnlyDictionary<string, string>? labels = null)
    {
        var record = new VolumeRecord(ns, name, labels ?? new Dictionary<string, string>(), V0);
        await Volumes.InsertVolumeAsync(record, VolumeEvent(ns, name), Ct);
        return record;
    }

    private static async Task<PlatformException> RefusedAsync(ErrorKind kind, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<PlatformException>(call);
        Assert.True(e.Kind == kind, $"expected {kind}, got {e.Kind}: {e.Message}");
        return e;
    }

    [Fact]
    public async Task Should_round_trip_a_volume_and_refuse_a_duplicate_name()
    {
        await AddVolumeAsync("data", labels: new Dictionary<string, string> { ["owner"] = "ci" });

        var stored = await Volumes.GetVolumeAsync("default", "data", Ct);

        Assert.NotNull(stored);
        Assert.Equal("ci", stored.Labels["owner"]);
        Assert.Equal(V0, stored.CreatedAt);
        Assert.Null(await Volumes.GetVolumeAsync("other", "data", Ct));
        var duplicate = await RefusedAsync(ErrorKind.AlreadyExists, () => AddVolumeAsync("data"));
        Assert.Contains("volume data", duplicate.Message);
    }

    [Fact]
    public async Task Should_list_a_namespace_s_volumes_by_name()
    {
        await AddVolumeAsync("b");
        await AddVolumeAsync("a");
        await AddVolumeAsync("c", ns: "other");

        var listed = await Volumes.ListVolumesAsync("default", Ct);

        Assert.Equal(["a", "b"], listed.Select(v => v.Name));
    }

    [Fact]
    public async Task Should_refuse_to_remove_a_used_volume_naming_its_containers_until_they_release_it()
    {
        await AddVolumeAsync("data");
        await Volumes.AddVolumeUserAsync("default", "data", "web", 7, Ct);
        await Volumes.AddVolumeUserAsync("default", "data", "web", 7, Ct); // a redelivered event counts once
        await Volumes.AddVolumeUserAsync("default", "data", "db", 3, Ct);

        var refused = await RefusedAsync(ErrorKind.FailedPrecondition, () => Volumes.RemoveVolumeAsync("default", "data", VolumeEvent("default", "data"), Ct));
        Assert.Contains("db, web", refused.Message);
        Assert.Equal(["db", "web"], await Volumes.VolumeUsersAsync("default", "data", Ct));

        await Volumes.ReleaseVolumeUserAsync("default", "web", 6, Ct); // an older incarnation's deletion releases nothing
        await Volumes.ReleaseVolumeUserAsync("default", "web", 7, Ct);
        await Volumes.ReleaseVolumeUserAsync("default", "db", 3, Ct);
        Assert.Empty(await Volumes.VolumeUsersAsync("default", "data", Ct));

        var removed = await Volumes.RemoveVolumeAsync("default", "data", VolumeEvent("default", "data"), Ct);
        Assert.Equal("data", removed.Name);
        Assert.Null(await Volumes.GetVolumeAsync("default", "data", Ct));
    }

    [Fact]
    public async Task Should_keep_a_volume_used_by_the_current_incarnation_of_a_container()
    {
        await AddVolumeAsync("data");
        await Volumes.AddVolumeUserAsync("default", "data", "web", 8, Ct);

        await Volumes.ReleaseVolumeUserAsync("default", "web", 7, Ct);

        await RefusedAsync(ErrorKind.FailedPrecondition, () => Volumes.RemoveVolumeAsync("default", "data", VolumeEvent("default", "data"), Ct));
    }

    [Fact]
    public async Task Should_refuse_a_use_or_a_removal_of_a_missing_volume()
    {
        await RefusedAsync(ErrorKind.NotFound, () => Volumes.AddVolumeUserAsync("default", "ghost", "web", 1, Ct));
        await RefusedAsync(ErrorKind.NotFound, () => Volumes.RemoveVolumeAsync("default", "ghost", VolumeEvent("default", "ghost"), Ct));
    }

    [Fact]
    public async Task Should_store_one_event_per_volume_change_and_none_for_a_refused_one()
    {
        var outbox = (IOutboxStore)Store;
        var before = (await outbox.ReadPendingAsync(10_000, Ct)).Count;

        await AddVolumeAsync("data");
        await Assert.ThrowsAsync<PlatformException>(() => AddVolumeAsync("data"));
        await Volumes.AddVolumeUserAsync("default", "data", "web", 1, Ct);
        await Assert.ThrowsAsync<PlatformException>(() => Volumes.RemoveVolumeAsync("default", "data", VolumeEvent("default", "data"), Ct));
        await Volumes.ReleaseVolumeUserAsync("default", "web", 1, Ct);
        await Volumes.RemoveVolumeAsync("default", "data", VolumeEvent("default", "data"), Ct);

        Assert.Equal(before + 2, (await outbox.ReadPendingAsync(10_000, Ct)).Count);
    }
}
