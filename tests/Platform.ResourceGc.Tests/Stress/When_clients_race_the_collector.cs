using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Store;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Stress;

/// <summary>
/// Invariants 2 and 3 under load, with no lock anywhere: eight clients create containers on shared snapshots,
/// move them between snapshots, delete them (and re-create the same ids) and prepare new snapshots, while
/// periodic passes run every second and forced passes come in between. A checker keeps looking for a container
/// that points at a snapshot that no longer exists. Once everything is deleted and quiet, the periodic passes
/// alone must leave nothing but the root, on disk as in the store.
/// </summary>
public sealed class When_clients_race_the_collector(StressFixture fixture) : IClassFixture<StressFixture>
{
    private const int Clients = 8;
    private const int PoolSize = 6;
    private const int MaxContainers = 48;
    private const int IdsPerClient = 10;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(20);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_keep_every_containers_snapshot_and_collect_all_else_once_quiet()
    {
        Requirements.RabbitMq();
        var run = await Run.StartAsync(fixture, "stress-" + Guid.NewGuid().ToString("N")[..8]);
        await using var _ = run;
        var output = TestContext.Current.TestOutputHelper;

        await run.SeedAsync();
        var seed = Environment.TickCount;
        output?.WriteLine($"seed {seed}, namespace {run.Namespace}, snapshotter {run.Snapshotter}");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(Duration);
        var workers = Enumerable.Range(0, Clients).Select(i => run.ClientLoopAsync(i, new Random(seed + i), stop.Token)).ToList();
        var checker = run.CheckerLoopAsync(stop.Token);
        var removals = run.RemovalCheckerLoopAsync();
        var passes = run.ForcedPassLoopAsync(new Random(seed - 1), stop.Token);
        await Task.WhenAll([.. workers, checker, passes]);
        await run.ScanAsync(Ct);
        await run.StopRemovalCheckerAsync(removals);

        output?.WriteLine(run.Summary());
        Assert.True(run.Violations.IsEmpty, "invariant 2 broken: " + string.Join("\n\n", run.Violations.Values));
        Assert.True(run.Unexpected.IsEmpty, "unexpected failures: " + string.Join("\n", run.Unexpected.Take(20)));
        // A run that never raced anything proves nothing: require real churn and real collections.
        Assert.True(run.Count("create.ok") >= 40, run.Summary());
        Assert.True(run.Count("update.ok") >= 40, run.Summary());
        Assert.True(run.Count("delete.ok") >= 30, run.Summary());
        Assert.True(run.Count("prepare.ok") >= 5, run.Summary());
        Assert.True(run.Count("event.snapshot-collected") >= 5, run.Summary());
        Assert.True(run.Count("scan") >= 3, run.Summary());

        await run.QuiesceAsync();
        await AssertOnlyRootsRemainAsync(run);
    }

    /// <summary>Invariant 3: with nothing referencing anything, the periodic passes alone (no forced pass) leave only the root.</summary>
    private async Task AssertOnlyRootsRemainAsync(Run run)
    {
        var store = fixture.Services.GetRequiredService<IResourceStore>();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var graph = await store.LoadGraphAsync(Ct);
            var records = graph.Snapshots.Select(s => $"{s.Namespace}/{s.Snapshotter}/{s.Key}").Order(StringComparer.Ordinal).ToList();
            var onDisk = DiskState.Folders(fixture.DataRoot);
            var recorded = await DiskState.RecordedFoldersAsync(store, Ct);
            if (records.SequenceEqual([$"{run.Namespace}/{run.Snapshotter}/base"])
                && graph.References.Count == 0 && graph.Leases.Count == 0 && graph.LeaseResources.Count == 0
                && onDisk.SetEquals(recorded))
                break;
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                Assert.Fail($"invariant 3: garbage left 30 s after everything was deleted. records: [{string.Join(", ", records)}]; " +
                            $"references: {graph.References.Count}; leases: {graph.Leases.Count}; " +
                            $"folders on disk: [{DiskState.Describe(onDisk)}]; folders of records: [{DiskState.Describe(recorded)}]");
            await Task.Delay(200, Ct);
        }

        var root = await run.Admin.Snapshots.StatAsync("base", run.Snapshotter, cancellationToken: Ct);
        Assert.True(root.Labels.ContainsKey(GcLabels.Root));
    }

    /// <summary>The shared state of one stress run: the snapshots and containers believed to exist, and what went wrong.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""";

        private readonly PlatformFixture _fixture;
        private readonly List<PlatformClient> _clients = [];
        private readonly ConcurrentDictionary<string, byte> _pool = new();
        private readonly ConcurrentDictionary<string, byte> _containers = new();
        private readonly ConcurrentDictionary<string, int> _counts = new();
        private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _history = new();
        private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _everOn = new();
        private readonly Channel<(string Key, long At)> _removed = Channel.CreateUnbounded<(string, long)>();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private IAsyncDisposable? _subscription;
        private volatile bool _layerGone;

        private Run(PlatformFixture fixture, string ns)
        {
            _fixture = fixture;
            Namespace = ns;
        }

        public string Namespace { get; }

        public string Snapshotter { get; private set; } = "";

        public PlatformClient Admin => _clients[0];

        /// <summary>Each violation once, by container, version and key.</summary>
        public ConcurrentDictionary<string, string> Violations { get; } = new();

        public ConcurrentQueue<string> Unexpected { get; } = new();

        public static async Task<Run> StartAsync(PlatformFixture fixture, string ns)
        {
            var run = new Run(fixture, ns);
            for (var i = 0; i <= Clients; i++)
                run._clients.Add(await PlatformClient.ConnectAsync(run.Options(), Ct));
            run._subscription = await run.Admin.Events.SubscribeAsync(run.OnEvent, cancellationToken: Ct);
            return run;
        }

        private PlatformClientOptions Options()
        {
            var options = _fixture.ClientOptions;
            options.Namespace = Namespace;
            return options;
        }

        public int Count(string what) => _counts.GetValueOrDefault(what);

        private void Tally(string what) => _counts.AddOrUpdate(what, 1, (_, n) => n + 1);

        private void Log(string subject, string what) =>
            _history.GetOrAdd(subject, _ => new()).Enqueue($"{_clock.ElapsedMilliseconds,6} ms {what}");

        private string History(string subject) =>
            _history.TryGetValue(subject, out var lines) ? string.Join("\n    ", lines.TakeLast(30)) : "(none)";

        public string Summary() =>
            string.Join(", ", _counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

        /// <summary>
        /// A root committed snapshot, a committed layer on it that only its children keep alive, and the pool of
        /// active snapshots, each prepared under a lease that goes once a container references it.
        /// </summary>
        public async Task SeedAsync()
        {
            var client = Admin;
            var lease = await client.Leases.CreateAsync(new CreateLease { Labels = new Dictionary<string, string> { ["stress"] = "seed" } }, Ct);
            var first = await client.Snapshots.PrepareAsync(new PrepareSnapshot { Key = "base-active", LeaseId = lease.Id }, Ct);
            Snapshotter = first.Snapshot.Snapshotter;
            await client.Snapshots.CommitAsync(new CommitSnapshot
            {
                Snapshotter = Snapshotter, Key = "base-active", Name = "base", Labels = new Dictionary<string, string> { [GcLabels.Root] = "stress" },
            }, Ct);
            await client.Snapshots.PrepareAsync(new PrepareSnapshot { Snapshotter = Snapshotter, Key = "layer-active", Parent = "base", LeaseId = lease.Id }, Ct);
            await client.Snapshots.CommitAsync(new CommitSnapshot { Snapshotter = Snapshotter, Key = "layer-active", Name = "layer" }, Ct);
            for (var i = 0; i < PoolSize; i++)
            {
                var key = $"pool-{i}";
                await client.Snapshots.PrepareAsync(new PrepareSnapshot
                {
                    Snapshotter = Snapshotter, Key = key, Parent = i < PoolSize / 2 ? "layer" : "base", LeaseId = lease.Id,
                }, Ct);
                await client.Containers.CreateAsync(NewContainer($"seed-{i}", key), Ct);
                _pool[key] = 0;
                _containers[$"seed-{i}"] = 0;
            }
            await client.Leases.DeleteAsync(lease.Id, cancellationToken: Ct);
            foreach (var key in (string[])["base", "layer", .. _pool.Keys])
                await client.Snapshots.StatAsync(key, Snapshotter, cancellationToken: Ct);
        }

        public async Task ClientLoopAsync(int index, Random random, CancellationToken stop)
        {
            var client = _clients[index + 1];
            var serial = 0;
            while (!stop.IsCancellationRequested)
            {
                var roll = random.Next(100);
                if (_containers.Count >= MaxContainers && roll < 25)
                    roll += 25;
                try
                {
                    if (roll < 90 && Pick(_pool, random) is null)
                        roll = 95;
                    if (roll is >= 25 and < 90 && PickContainer(random) is null)
                        roll = 0;
                    switch (roll)
                    {
                        case < 25:
                            await CreateAsync(client, $"c{index}-{random.Next(IdsPerClient)}", Pick(_pool, random)!);
                            break;
                        case < 50:
                            await DeleteAsync(client, PickContainer(random)!);
                            break;
                        case < 75:
                            await MoveAsync(client, PickContainer(random)!, Pick(_pool, random)!);
                            break;
                        case < 90:
                            // There and straight back: the first move's release races the second move's add.
                            var id = PickContainer(random)!;
                            var from = await CurrentKeyAsync(client, id);
                            await MoveAsync(client, id, Pick(_pool, random)!);
                            if (from is not null)
                                await MoveAsync(client, id, from);
                            break;
                        default:
                            await PrepareAsync(client, $"p{index}-{serial}", $"n{index}-{serial}", random);
                            serial++;
                            break;
                    }
                }
                catch (Exception e)
                {
                    Unexpected.Enqueue($"{_clock.ElapsedMilliseconds} ms client {index}: {e}");
                    Tally("unexpected");
                }
            }
        }

        private async Task CreateAsync(PlatformClient client, string id, string key)
        {
            try
            {
                var created = await client.Containers.CreateAsync(NewContainer(id, key), Ct);
                _containers[id] = 0;
                PointedAt(key, id);
                Tally("create.ok");
                Log(id, $"created on {key}, generation {created.CreatedAt.UtcTicks}");
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.AlreadyExists)
            {
                _containers[id] = 0;
                Tally("create.already-exists");
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                // The snapshot was collected once its last container went. Keys are never reused, so it must
                // really be gone: NotFound for a snapshot that exists would be a lie.
                Tally("create.snapshot-gone");
                Log(key, $"create of {id} on it: NotFound");
                if (await ExistsAsync(client, key))
                    Unexpected.Enqueue($"creating {id} on {key} failed with NotFound ({e.Message}), yet {key} exists");
                _pool.TryRemove(key, out _);
            }
        }

        private async Task DeleteAsync(PlatformClient client, string id)
        {
            try
            {
                var deleted = await client.Containers.DeleteAsync(id, cancellationToken: Ct);
                Tally("delete.ok");
                Log(id, $"deleted (was on {deleted.SnapshotKey}, version {deleted.Version})");
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                Tally("delete.not-found");
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.FailedPrecondition)
            {
                Tally("delete.conflict");
                return;
            }
            _containers.TryRemove(id, out _);
        }

        private async Task MoveAsync(PlatformClient client, string id, string key)
        {
            try
            {
                var updated = await client.Containers.UpdateAsync(new UpdateContainer { Id = id, UpdateMask = ["snapshotkey"], SnapshotKey = key }, Ct);
                PointedAt(key, id);
                Tally("update.ok");
                Log(id, $"moved to {key}, version {updated.Version}");
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.FailedPrecondition)
            {
                Tally("update.conflict");
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                // Either the container or the target snapshot is gone; find out which to keep the hints fresh.
                Tally("update.not-found");
                if (!await ExistsAsync(client, key))
                    _pool.TryRemove(key, out _);
                try
                {
                    await client.Containers.GetAsync(id, cancellationToken: Ct);
                }
                catch (PlatformException g) when (g.Kind == ErrorKind.NotFound)
                {
                    _containers.TryRemove(id, out _);
                }
            }
        }

        /// <summary>What a client does before creating a container on a new snapshot: prepare it under a lease, create, drop the lease.</summary>
        private async Task PrepareAsync(PlatformClient client, string key, string id, Random random)
        {
            var lease = await client.Leases.CreateAsync(new CreateLease { Labels = new Dictionary<string, string> { ["stress"] = "prepare" } }, Ct);
            try
            {
                var parent = !_layerGone && random.Next(2) == 0 ? "layer" : "base";
                try
                {
                    await client.Snapshots.PrepareAsync(new PrepareSnapshot { Snapshotter = Snapshotter, Key = key, Parent = parent, LeaseId = lease.Id }, Ct);
                }
                catch (PlatformException e) when (e.Kind == ErrorKind.NotFound && parent == "layer")
                {
                    // The layer goes once no snapshot has it as parent; later snapshots build on the root.
                    _layerGone = true;
                    Tally("prepare.layer-gone");
                    await client.Snapshots.PrepareAsync(new PrepareSnapshot { Snapshotter = Snapshotter, Key = key, Parent = "base", LeaseId = lease.Id }, Ct);
                }
                Log(key, $"prepared under lease {lease.Id}");
                await client.Containers.CreateAsync(NewContainer(id, key), Ct);
                PointedAt(key, id);
                Log(id, $"created on new snapshot {key}");
                _containers[id] = 0;
                _pool[key] = 0;
                Tally("prepare.ok");
            }
            finally
            {
                await client.Leases.DeleteAsync(lease.Id, cancellationToken: CancellationToken.None);
            }
        }

        public async Task CheckerLoopAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await ScanAsync(stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    Unexpected.Enqueue($"{_clock.ElapsedMilliseconds} ms checker: {e}");
                }
            }
        }

        public async Task ForcedPassLoopAsync(Random random, CancellationToken stop)
        {
            var client = _clients[^1];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(random.Next(300, 2000), stop);
                    var result = await client.Gc.CollectAsync(cancellationToken: stop);
                    Tally("pass.forced");
                    if (result.Removed.Count > 0)
                        Tally("pass.forced.removed-something");
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    Unexpected.Enqueue($"{_clock.ElapsedMilliseconds} ms forced pass: {e}");
                }
            }
        }

        private void PointedAt(string key, string containerId) => _everOn.GetOrAdd(key, _ => new())[containerId] = 0;

        /// <summary>
        /// Invariant 2 from the other side, as each removal happens: keys are never reused, so once a snapshot was
        /// removed no container may point at it, ever. Every container that ever pointed at it is read back; the
        /// short wait lets a client's own record of a move that raced the removal arrive.
        /// </summary>
        public async Task RemovalCheckerLoopAsync()
        {
            var client = _clients[^1];
            await foreach (var (key, at) in _removed.Reader.ReadAllAsync(Ct))
            {
                var wait = at + 200 - _clock.ElapsedMilliseconds;
                if (wait > 0)
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), Ct);
                if (!_everOn.TryGetValue(key, out var ids))
                    continue;
                foreach (var id in ids.Keys)
                {
                    try
                    {
                        var container = await client.Containers.GetAsync(id, cancellationToken: Ct);
                        Tally("removal.checked");
                        if (container.SnapshotKey == key)
                        {
                            Tally("violation");
                            Violations.TryAdd($"{id}/{container.CreatedAt.UtcTicks}/{container.Version}/{key}",
                                $"at {_clock.ElapsedMilliseconds} ms container {id} (generation {container.CreatedAt.UtcTicks}, version {container.Version}) " +
                                $"points at snapshot {key}, removed at {at} ms.\n  container history:\n    {History(id)}\n  snapshot history:\n    {History(key)}");
                        }
                    }
                    catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
                    {
                    }
                    catch (Exception e)
                    {
                        Unexpected.Enqueue($"{_clock.ElapsedMilliseconds} ms removal checker: {e}");
                    }
                }
            }
        }

        public async Task StopRemovalCheckerAsync(Task loop)
        {
            _removed.Writer.TryComplete();
            await loop;
        }

        /// <summary>Invariant 2 over every container that exists now.</summary>
        public async Task ScanAsync(CancellationToken ct)
        {
            var client = Admin;
            var listed = new List<Container>();
            await foreach (var container in client.Containers.ListAsync(cancellationToken: ct))
                listed.Add(container);
            foreach (var container in listed)
            {
                if (container.SnapshotKey is null)
                    continue;
                try
                {
                    await client.Snapshots.StatAsync(container.SnapshotKey, container.Snapshotter, cancellationToken: ct);
                    Tally("scan.checked");
                }
                catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
                {
                    if (await ConfirmViolationAsync(client, container.Id, ct) is { } violation)
                        Violations.TryAdd(violation.Key, violation.Details);
                }
            }
            Tally("scan");
        }

        /// <summary>
        /// The list is already stale when the stat runs: the container may have moved or gone since, taking its
        /// snapshot's last reference with it. A violation is a container that, unchanged from before the stat to
        /// after it, points at a snapshot the stat did not find.
        /// </summary>
        private async Task<(string Key, string Details)?> ConfirmViolationAsync(PlatformClient client, string id, CancellationToken ct)
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                Container before;
                try
                {
                    before = await client.Containers.GetAsync(id, cancellationToken: ct);
                }
                catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
                {
                    return null;
                }
                if (before.SnapshotKey is null || await ExistsAsync(client, before.SnapshotKey))
                    return null;
                Container after;
                try
                {
                    after = await client.Containers.GetAsync(id, cancellationToken: ct);
                }
                catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
                {
                    return null;
                }
                if (after.Version == before.Version && after.CreatedAt == before.CreatedAt)
                {
                    Tally("violation");
                    return ($"{id}/{before.CreatedAt.UtcTicks}/{before.Version}/{before.SnapshotKey}",
                        $"at {_clock.ElapsedMilliseconds} ms container {id} (generation {before.CreatedAt.UtcTicks}, version {before.Version}) " +
                        $"points at snapshot {before.Snapshotter}/{before.SnapshotKey}, which does not exist.\n  container history:\n    {History(id)}\n" +
                        $"  snapshot history:\n    {History(before.SnapshotKey)}");
                }
            }
            return null;
        }

        private async Task<bool> ExistsAsync(PlatformClient client, string key)
        {
            try
            {
                await client.Snapshots.StatAsync(key, Snapshotter, cancellationToken: Ct);
                return true;
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                return false;
            }
        }

        private Task OnEvent(IPlatformEvent e, CancellationToken ct)
        {
            if (e.Namespace != Namespace)
                return Task.CompletedTask;
            switch (e)
            {
                case SnapshotRemoved removed:
                    Tally(removed.Collected ? "event.snapshot-collected" : "event.snapshot-removed");
                    Log(removed.Key, removed.Collected ? "collected" : "removed");
                    _removed.Writer.TryWrite((removed.Key, _clock.ElapsedMilliseconds));
                    break;
                case ContainerCreated created when created.Container.SnapshotKey is { } key:
                    PointedAt(key, created.Container.Id);
                    break;
                case ContainerUpdated updated when updated.PreviousSnapshotKey is not null:
                    PointedAt(updated.Container.SnapshotKey!, updated.Container.Id);
                    Log(updated.Container.Id, $"event: updated to version {updated.Container.Version}, {updated.PreviousSnapshotKey} -> {updated.Container.SnapshotKey}");
                    break;
                case ContainerDeleted deleted:
                    Log(deleted.Id, $"event: deleted, generation {deleted.CreatedAt.UtcTicks}, was on {deleted.SnapshotKey}");
                    break;
            }
            return Task.CompletedTask;
        }

        /// <summary>Deletes every container and lease of the namespace: from now on nothing references anything but the root label.</summary>
        public async Task QuiesceAsync()
        {
            var client = Admin;
            var ids = new List<string>();
            await foreach (var container in client.Containers.ListAsync(cancellationToken: Ct))
                ids.Add(container.Id);
            foreach (var id in ids)
                await client.Containers.DeleteAsync(id, cancellationToken: Ct);
            foreach (var lease in await client.Leases.ListAsync(cancellationToken: Ct))
                await client.Leases.DeleteAsync(lease.Id, cancellationToken: Ct);
        }

        private CreateContainer NewContainer(string id, string key) => new()
        {
            Id = id, Runtime = new RuntimeInfo { Name = "io.containerd.runc.v2" }, Spec = Spec, Snapshotter = Snapshotter, SnapshotKey = key,
        };

        /// <summary>Half the time one of a few hot ids, so clients often change the same container at once.</summary>
        private string? PickContainer(Random random)
        {
            if (random.Next(2) == 0)
            {
                var hot = _containers.Keys.Where(id => id.EndsWith("-0", StringComparison.Ordinal)).ToList();
                if (hot.Count > 0)
                    return hot[random.Next(hot.Count)];
            }
            return Pick(_containers, random);
        }

        private async Task<string?> CurrentKeyAsync(PlatformClient client, string id)
        {
            try
            {
                return (await client.Containers.GetAsync(id, cancellationToken: Ct)).SnapshotKey;
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                return null;
            }
        }

        private static string? Pick(ConcurrentDictionary<string, byte> set, Random random)
        {
            var keys = set.Keys;
            return keys.Count == 0 ? null : keys.ElementAt(random.Next(keys.Count));
        }

        public async ValueTask DisposeAsync()
        {
            if (_subscription is not null)
                await _subscription.DisposeAsync();
            foreach (var client in _clients)
                await client.DisposeAsync();
        }
    }
}
