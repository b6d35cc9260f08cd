using System.Collections.Concurrent;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The event history through the real broker and stores: events committed before anyone listened are read back in
/// order, by time, after an event, up to a time and through filters; and a subscription that starts in the past hands
/// over every event exactly once across the seam between the replay and the live events.
/// </summary>
public sealed class When_events_are_read_from_the_history(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0"}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewNamespace(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private Task CreateAsync(string ns, string id) =>
        fixture.Client.Containers.CreateAsync(new CreateContainer { Namespace = ns, Id = id, Runtime = new() { Name = "runc" }, Spec = Spec }, Ct);

    private Task<List<IPlatformEvent>> HistoryAsync(string ns, EventsFrom? from = null, DateTimeOffset? until = null, params string[] filters) =>
        fixture.Client.Events.ReadHistoryAsync(from, until, filters.Length == 0 ? null : filters, [ns], Ct).ToListAsync(Ct).AsTask();

    private static string Describe(IPlatformEvent e) => $"{e.GetType().Name} {Id(e)}";

    private static string? Id(IPlatformEvent e) => e switch
    {
        ContainerCreated c => c.Container.Id,
        ContainerDeleted d => d.Id,
        _ => null,
    };

    [Fact]
    public async Task Events_from_before_anyone_listened_come_back_in_commit_order_as_live_subscribers_see_them()
    {
        var ns = NewNamespace("past");
        await CreateAsync(ns, "a");
        await CreateAsync(ns, "b");
        await fixture.Client.Containers.DeleteAsync("a", @namespace: ns, cancellationToken: Ct);

        var events = await HistoryAsync(ns);

        Assert.Equal(["ContainerCreated a", "ContainerCreated b", "ContainerDeleted a"], events.Select(Describe));
        Assert.All(events, e => Assert.Equal(ns, e.Namespace));
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        var created = Assert.IsType<ContainerCreated>(events[0]);
        Assert.Equal("runc", created.Container.Runtime.Name);
        Assert.Equal(1, created.Sequence);
        Assert.Equal(2, events[2].Sequence);
    }

    [Fact]
    public async Task Since_an_event_id_starts_after_it_until_stops_at_a_time_and_filters_apply()
    {
        var ns = NewNamespace("range");
        for (var i = 0; i < 5; i++)
            await CreateAsync(ns, $"c{i}");
        await fixture.Client.Containers.DeleteAsync("c1", @namespace: ns, cancellationToken: Ct);
        var all = await HistoryAsync(ns);
        Assert.Equal(6, all.Count);

        Assert.Equal(["ContainerCreated c3", "ContainerCreated c4", "ContainerDeleted c1"],
            (await HistoryAsync(ns, EventsFrom.After(all[2].EventId))).Select(Describe));
        Assert.Equal(["ContainerCreated c1", "ContainerCreated c2"],
            (await HistoryAsync(ns, EventsFrom.Since(all[1].Timestamp), until: all[2].Timestamp)).Select(Describe));
        Assert.Equal(["ContainerDeleted c1"], (await HistoryAsync(ns, filters: "type==ContainerDeleted")).Select(Describe));
        Assert.Equal(["ContainerCreated c1", "ContainerDeleted c1"], (await HistoryAsync(ns, filters: "id==c1")).Select(Describe));
        await Assert.ThrowsAsync<PlatformException>(() => HistoryAsync(ns, filters: "type=~x"));
        var missing = await Assert.ThrowsAsync<PlatformException>(() => HistoryAsync(ns, EventsFrom.After(Guid.NewGuid())));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public async Task A_subscription_from_the_past_started_while_containers_are_created_gets_every_event_exactly_once()
    {
        var ns = NewNamespace("seam");
        var plain = new ConcurrentQueue<IPlatformEvent>();
        await using var earlier = await fixture.Client.Events.SubscribeAsync((e, _) =>
        {
            plain.Enqueue(e);
            return Task.CompletedTask;
        }, namespaces: [ns], cancellationToken: Ct);
        // The storm runs while the subscription replays the past and goes on for a while after it is live, so the seam falls
        // inside it; every third container is deleted again.
        var created = 0;
        var liveFrom = -1;
        var creating = Task.Run(async () =>
        {
            for (var i = 0; Volatile.Read(ref liveFrom) < 0 || i < Volatile.Read(ref liveFrom) + 20; i++)
            {
                await CreateAsync(ns, $"c{i}");
                if (i % 3 == 0)
                    await fixture.Client.Containers.DeleteAsync($"c{i}", @namespace: ns, cancellationToken: Ct);
                Volatile.Write(ref created, i + 1);
            }
        }, Ct);
        await Eventually.TrueAsync(() => Volatile.Read(ref created) >= 20, Ct, because: "some containers should exist first");

        var caught = new ConcurrentQueue<IPlatformEvent>();
        await using var fromThePast = await fixture.Client.Events.SubscribeAsync((e, _) =>
        {
            caught.Enqueue(e);
            return Task.CompletedTask;
        }, EventsFrom.Oldest, namespaces: [ns], cancellationToken: Ct);
        var replayed = caught.Count;
        Volatile.Write(ref liveFrom, Volatile.Read(ref created));
        await creating;

        var containers = Volatile.Read(ref created);
        var expected = containers + (containers + 2) / 3;
        await Eventually.TrueAsync(() => plain.Count >= expected && caught.Count >= expected, Ct, within: TimeSpan.FromSeconds(30),
            because: $"both subscribers should see all {expected} events");
        Assert.InRange(replayed, 20, expected - 10);
        Assert.Equal(expected, caught.Count);
        Assert.Equal(caught.Count, caught.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(plain.Select(e => e.EventId).Order(), caught.Select(e => e.EventId).Order());
        Assert.Equal((await HistoryAsync(ns)).Select(e => e.EventId).Order(), caught.Select(e => e.EventId).Order());
        // Each container's events in their order: its create before its delete.
        Assert.All(caught.GroupBy(Id), g => Assert.Equal(g.Select(e => e.Sequence).Order(), g.Select(e => e.Sequence)));
    }
}
