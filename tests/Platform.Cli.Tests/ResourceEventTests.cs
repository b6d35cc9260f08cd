using Platform.Cli.Commands.Events;
using Platform.Common.Events;
using Platform.Common.Filters;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>Snapshot, lease and collection events in <c>events</c>: the id is the snapshot's key or the lease's id.</summary>
public sealed class When_resource_events_are_printed
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 15, 17, 31, TimeSpan.Zero);

    private static readonly Snapshot Busybox = new()
    {
        Namespace = "demo", Snapshotter = "overlayfs", Key = "busybox", Kind = SnapshotKind.Committed,
        Labels = new Dictionary<string, string> { ["origin"] = "import" }, CreatedAt = At, UpdatedAt = At,
    };

    private static bool Matches(IPlatformEvent e, string filter) => FilterSet.Parse([filter]).Match(new EventFields(e));

    [Fact]
    public void A_removed_snapshot_is_named_by_its_key()
    {
        var removed = new SnapshotRemoved
        {
            EventId = Guid.NewGuid(), Timestamp = At, Namespace = "demo", Sequence = 2, Snapshotter = "overlayfs", Key = "busybox", Collected = true,
        };

        Assert.Equal("2026-11-28T15:17:31.0000000Z SnapshotRemoved demo busybox 2", EventOutput.Line(removed));
        Assert.True(Matches(removed, "type==SnapshotRemoved,id==busybox"));
    }

    [Fact]
    public void A_prepared_snapshot_exposes_its_labels_and_is_shaped_in_json_as_snapshots_stat_shows_it()
    {
        var prepared = new SnapshotPrepared { EventId = Guid.NewGuid(), Timestamp = At, Namespace = "demo", Sequence = 1, Snapshot = Busybox };

        Assert.True(Matches(prepared, "id==busybox,labels.origin==import"));
        var json = Output.Json(EventOutput.JsonLine(prepared));
        Assert.Equal(["type", "eventId", "timestamp", "namespace", "sequence", "snapshot"], Output.PropertyNames(json));
        Assert.Equal("committed", json.GetProperty("snapshot").GetProperty("kind").GetString());
        Assert.Equal(["key", "namespace", "snapshotter", "kind", "parent", "labels", "createdAt", "updatedAt"],
            Output.PropertyNames(json.GetProperty("snapshot")));
    }

    [Fact]
    public void Leases_are_named_by_their_id_and_a_collection_pass_by_nothing()
    {
        var created = new LeaseCreated
        {
            EventId = Guid.NewGuid(), Timestamp = At, Namespace = "demo", Sequence = 1,
            Lease = new Lease { Namespace = "demo", Id = "demo-import", Labels = new Dictionary<string, string> { ["purpose"] = "demo" }, CreatedAt = At },
        };
        var collected = new GarbageCollected
        {
            EventId = Guid.NewGuid(), Timestamp = At, Namespace = "demo", Sequence = 1, Removed = 2, BytesFreed = 1_982_256, Duration = TimeSpan.FromMilliseconds(7),
        };

        Assert.True(Matches(created, "id==demo-import,labels.purpose==demo"));
        Assert.Equal("expiresAt", Output.PropertyNames(Output.Json(EventOutput.JsonLine(created)).GetProperty("lease"))[^1]);
        Assert.Equal("2026-11-28T15:17:31.0000000Z GarbageCollected demo - 1", EventOutput.Line(collected));
        Assert.Equal(2, Output.Json(EventOutput.JsonLine(collected)).GetProperty("removed").GetInt32());
    }
}
