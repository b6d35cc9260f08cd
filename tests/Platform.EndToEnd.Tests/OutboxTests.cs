using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Hosting.Options;
using Platform.Hosting.Outbox;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>A host whose outbox relay does not run: events are committed but stay in the store.</summary>
public sealed class RelayStoppedFixture : PlatformFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Outbox:Enabled"] = "false" };
}

/// <summary>
/// The outbox: an event is committed with its change and reaches the bus even when the relay was stopped or
/// crashed between publishing and forgetting. Delivery is at least once with a stable id, so after dropping
/// duplicates by id every event arrives exactly once.
/// </summary>
public sealed class When_events_wait_in_the_outbox(RelayStoppedFixture fixture) : IClassFixture<RelayStoppedFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0"}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_relay_every_committed_event_once_the_relay_starts()
    {
        var client = fixture.Client;
        var ns = "outbox-" + Guid.NewGuid().ToString("N")[..8];
        var seen = new ConcurrentBag<Guid>();
        await using var subscription = await Subscribe(ns, seen);

        for (var i = 0; i < 40; i++)
            await client.Containers.CreateAsync(new CreateContainer { Namespace = ns, Id = $"c{i}", Runtime = new() { Name = "runc" }, Spec = Spec }, Ct);
        var stored = await PendingIds(ns);
        Assert.Equal(40, stored.Count);
        Assert.Empty(seen);

        // A second host on the same store, with its relay running, stands in for the service restarting.
        using var restarted = fixture.BuildHost(new Dictionary<string, string?> { ["Outbox:Enabled"] = "true" });
        await restarted.StartAsync(Ct);
        await Eventually.TrueAsync(() => seen.Distinct().Count() >= 40, Ct, because: $"{seen.Distinct().Count()} of 40 events arrived");
        // The relay forgets a batch after the broker confirmed it, so subscribers may see events a moment before that:
        // wait for it rather than stop the host in between (which cancels the forgetting, and CI once caught that).
        await Eventually.TrueAsync(async () => (await PendingIds(ns)).Count == 0, Ct, because: "the relay forgets what it published");
        await restarted.StopAsync(Ct);

        Assert.Equal(stored.OrderBy(x => x), seen.Distinct().OrderBy(x => x));
    }

    [Fact]
    public async Task Should_republish_with_the_same_ids_after_a_crash_before_the_batch_was_forgotten()
    {
        var client = fixture.Client;
        var ns = "crash-" + Guid.NewGuid().ToString("N")[..8];
        var seen = new ConcurrentQueue<Guid>();
        await using var subscription = await Subscribe(ns, seen);
        for (var i = 0; i < 10; i++)
            await client.Containers.CreateAsync(new CreateContainer { Namespace = ns, Id = $"c{i}", Runtime = new() { Name = "runc" }, Spec = Spec }, Ct);
        var stored = await PendingIds(ns);

        var store = new CrashOnceBeforeForgetting(fixture.Services.GetServices<IOutboxStore>().Single(s => s.Name == "metadata"));
        var relay = new OutboxRelay([store], fixture.Services.GetRequiredService<IBus>(), new OutboxSignal(),
            Options.Create(new OutboxOptions { BatchSize = 1000 }), NullLogger<OutboxRelay>.Instance);
        await Assert.ThrowsAsync<IOException>(() => relay.RelayBatchAsync(store, Ct));
        await relay.RelayBatchAsync(store, Ct);

        await Eventually.TrueAsync(() => seen.Count(stored.Contains) >= 20, Ct, because: "each event published twice");
        Assert.Equal(stored.OrderBy(x => x), seen.Where(stored.Contains).Distinct().OrderBy(x => x));
        Assert.Empty(await PendingIds(ns));
    }

    private async Task<IAsyncDisposable> Subscribe(string ns, IProducerConsumerCollection<Guid> seen) =>
        await fixture.Client.Events.SubscribeAsync((e, _) =>
        {
            if (e.Namespace == ns)
                seen.TryAdd(e.EventId);
            return Task.CompletedTask;
        }, cancellationToken: Ct);

    private async Task<List<Guid>> PendingIds(string ns)
    {
        var store = fixture.Services.GetServices<IOutboxStore>().Single(s => s.Name == "metadata");
        var pending = await store.ReadPendingAsync(10_000, Ct);
        return pending.Select(r => (r, EventCodec.Deserialize(r.MessageType, r.Payload).Event))
            .Where(x => ((IPlatformEvent)x.Event).Namespace == ns)
            .Select(x => x.r.EventId)
            .ToList();
    }

    /// <summary>The broker confirmed the batch, then the process "died" before the store forgot it.</summary>
    private sealed class CrashOnceBeforeForgetting(IOutboxStore inner) : IOutboxStore
    {
        private int _crashes;

        public string Name => inner.Name;

        public Task<IReadOnlyList<OutboxRecord>> ReadPendingAsync(int max, CancellationToken cancellationToken) =>
            inner.ReadPendingAsync(max, cancellationToken);

        public Task MarkPublishedAsync(IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _crashes) == 1
                ? throw new IOException("simulated crash between publish and forget")
                : inner.MarkPublishedAsync(records, cancellationToken);
    }
}

public sealed class When_a_commit_lands_while_the_relay_looks_for_work
{
    [Fact]
    public async Task Should_wake_the_relay_at_once_rather_than_after_the_poll_interval()
    {
        var signal = new OutboxSignal();
        var next = signal.Next();   // taken before looking for work, as the relay does
        signal.Notify();            // a commit lands after the look found nothing
        var waited = System.Diagnostics.Stopwatch.StartNew();
        await OutboxSignal.WaitAsync(next, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), $"waited {waited.Elapsed} for a notification that had already happened");
    }
}
