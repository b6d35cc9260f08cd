using System.Collections.Concurrent;
using System.Runtime.Versioning;
using Platform.Client;
using Platform.Client.Oci;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// Process faults (issue 13 part 3): platformd, a process of its own, is SIGKILLed at random points of a storm of
/// container creates and deletes, and of real tasks run to exit, and started again on the same data root. Whatever the
/// kill point, every acknowledged change is in the store, every acknowledged change's event arrives (the outbox relays
/// what the killed process had not published), no change is published twice under different event ids, and every task
/// acknowledged started reports its exit exactly once with its real status (the restarted runner adopts the tasks that
/// ran or ended while it was down). <c>PLATFORM_CHAOS_SEED</c> and
/// <c>PLATFORM_CHAOS_KILLS</c> choose the run (defaults 1 and 2; <c>./build.sh chaos</c> runs more), and the figures
/// are printed.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_platformd_is_killed_mid_storm : IAsyncLifetime
{
    private const string Spec = """{"ociVersion":"1.1.0"}""";
    private const int Callers = 3;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "platform-tests", "chaos-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _prefix = $"c{Guid.NewGuid():N}"[..13] + "-";
    private PlatformdProcess? _platformd;
    private PlatformClient? _client;

    public async ValueTask InitializeAsync()
    {
        Requirements.RabbitMq();
        Directory.CreateDirectory(_dataRoot);
        _platformd = new PlatformdProcess(_dataRoot, _prefix);
        _client = await PlatformClient.ConnectAsync(new PlatformClientOptions
        {
            BusUri = Requirements.BusUri, EndpointPrefix = _prefix, Timeout = TimeSpan.FromSeconds(5),
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_platformd is not null)
            await _platformd.DisposeAsync();
        if (_client is not null)
            await _client.DisposeAsync();
        await BrokerCleanup.DeleteQueuesAsync(Requirements.BusUri, _prefix);
        foreach (var folder in (string[])[_dataRoot, _dataRoot + "-busybox"])
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    [Fact]
    public async Task Should_lose_no_acknowledged_change_and_no_event_across_kills()
    {
        var seed = Setting("PLATFORM_CHAOS_SEED", 1);
        var kills = Setting("PLATFORM_CHAOS_KILLS", 2);
        var client = _client!;
        var platformd = _platformd!;
        var ns = "chaos-" + Guid.NewGuid().ToString("N")[..8];
        // The event exchanges are platformd's to declare: it runs before anyone subscribes.
        platformd.Start();
        await platformd.WaitReadyAsync(client, Ct);
        var events = new ConcurrentQueue<IPlatformEvent>();
        await using var subscription = await client.Events.SubscribeAsync((e, _) =>
        {
            if (e.Namespace == ns)
                events.Enqueue(e);
            return Task.CompletedTask;
        }, cancellationToken: Ct);

        Requirements.Runtime();
        await BusyboxRootfs.ImportAsync(client, _dataRoot + "-busybox", ns);
        var ledger = new Ledger();
        var random = new Random(seed);
        for (var kill = 0; kill < kills; kill++)
        {
            using var storm = new CancellationTokenSource();
            var callers = Enumerable.Range(0, Callers).Select(c => StormAsync(client, ns, ledger, new Random(seed * 100 + kill * 10 + c), storm.Token))
                .Append(RunsAsync(client, ns, ledger, new Random(seed * 100 + kill * 10 + 9), storm.Token)).ToList();
            await Task.Delay(random.Next(1500, 4000), Ct);
            await platformd.KillAsync();
            await Task.Delay(random.Next(0, 500), Ct);
            await storm.CancelAsync();
            await Task.WhenAll(callers);
            platformd.Start();
            await platformd.WaitReadyAsync(client, Ct);
        }
        // One more round with the service up, so the last restart also serves new traffic.
        using (var last = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => StormAsync(client, ns, ledger, new Random(seed * 100 + 99 - c), last.Token))
                .Append(RunsAsync(client, ns, ledger, new Random(seed * 100 + 98), last.Token)));

        // No acknowledged change lost: what was acknowledged created is there (unless acknowledged deleted), and what was
        // acknowledged deleted is not.
        var lost = new List<string>();
        foreach (var id in ledger.Created.Keys)
        {
            if (ledger.Deleting.ContainsKey(id) && !ledger.Deleted.ContainsKey(id))
                continue; // its delete got no reply: there or not, both are right
            var exists = await ExistsAsync(client, ns, id);
            if (exists == ledger.Deleted.ContainsKey(id))
                lost.Add(ledger.Deleted.ContainsKey(id) ? $"{id}: deleted (acknowledged) but still there" : $"{id}: created (acknowledged) but missing");
        }

        // No event lost: each acknowledged change's event arrives once the restarted relay has caught up.
        await Eventually.TrueAsync(() => MissingEvents(ledger, events).Count == 0, Ct, TimeSpan.FromSeconds(30),
            because: $"every acknowledged change's event arrives; missing: {string.Join(", ", MissingEvents(ledger, events).Take(10))}");
        var byEventId = events.GroupBy(e => e.EventId).ToList();
        var duplicated = byEventId.Count(g => g.Count() > 1);
        // One change, one event id: two ContainerCreated (or Deleted) events for one container with different ids
        // would mean the change was published, or made, twice.
        var twice = events.Where(e => IdOf(e) is not null).GroupBy(e => (e.GetType(), Id: IdOf(e))).Where(g => g.Select(e => e.EventId).Distinct().Count() > 1)
            .Select(g => $"{g.Key.Item1.Name} {g.Key.Id}").ToList();

        // Each exit once, with its real status: the task's TaskExited under one event id, carrying the status it exited with.
        await Eventually.TrueAsync(() => ledger.Started.Keys.All(id => events.OfType<TaskExited>().Any(e => e.ContainerId == id && e.ExecId is null)), Ct,
            TimeSpan.FromSeconds(60), because: "every started task's exit is reported");
        var wrongExits = ledger.Started.Select(run =>
        {
            var exits = events.OfType<TaskExited>().Where(e => e.ContainerId == run.Key && e.ExecId is null).ToList();
            var ids = exits.Select(e => e.EventId).Distinct().Count();
            return ids == 1 && exits.All(e => e.ExitStatus == run.Value) ? null
                : $"{run.Key}: expected one exit with status {run.Value}, got {string.Join(", ", exits.Select(e => $"{e.EventId:N}={e.ExitStatus}"))}";
        }).OfType<string>().ToList();

        var figures = $"seed {seed}, kills {kills}: operations acknowledged: {ledger.Acknowledged}, unknown outcome (no reply): {ledger.Unknown}, " +
            $"lost: {lost.Count}, duplicated event ids: {duplicated}, changes published under two ids: {twice.Count}, " +
            $"tasks run: {ledger.Started.Count}, exits wrong or not once: {wrongExits.Count}";
        TestContext.Current.SendDiagnosticMessage(figures);
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        Assert.True(ledger.Acknowledged > 0, "the storm got nothing acknowledged");
        Assert.True(ledger.Started.Count > 0, $"{figures}: no task was acknowledged started");
        Assert.True(lost.Count == 0, $"{figures}\n{string.Join('\n', lost.Take(20))}");
        Assert.True(twice.Count == 0, $"{figures}\n{string.Join('\n', twice.Take(20))}");
        Assert.True(wrongExits.Count == 0, $"{figures}\n{string.Join('\n', wrongExits.Take(20))}");
    }

    private static async Task StormAsync(PlatformClient client, string ns, Ledger ledger, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var deletable = ledger.Created.Keys.Where(id => !ledger.Deleted.ContainsKey(id) && !ledger.Deleting.ContainsKey(id)).ToList();
            var delete = deletable.Count > 0 && random.Next(10) < 3;
            var id = delete ? deletable[random.Next(deletable.Count)] : $"c{Interlocked.Increment(ref ledger.NextId)}";
            try
            {
                if (delete)
                {
                    ledger.Deleting[id] = 0;
                    await client.Containers.DeleteAsync(id, @namespace: ns, cancellationToken: CancellationToken.None);
                    ledger.Deleted[id] = 0;
                }
                else
                {
                    await client.Containers.CreateAsync(new CreateContainer { Namespace = ns, Id = id, Runtime = new() { Name = "runc" }, Spec = Spec },
                        CancellationToken.None);
                    ledger.Created[id] = 0;
                }
                Interlocked.Increment(ref ledger.Acknowledged);
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.Unavailable)
            {
                // No reply: the change may or may not have been made (a kill between commit and reply, or the request still
                // queued for the restarted service). Only acknowledged changes are checked; an id whose delete got no reply
                // stays in Deleting, so it is never deleted again. Any other refusal fails the test: a NotFound for the delete
                // of an acknowledged container would be a lost create.
                Interlocked.Increment(ref ledger.Unknown);
            }
        }
    }

    /// <summary>One caller runs short real tasks (busybox <c>sh -c 'sleep …; exit N'</c>), each to be seen exiting with its N.</summary>
    private static async Task RunsAsync(PlatformClient client, string ns, Ledger ledger, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var id = $"run{Interlocked.Increment(ref ledger.NextId)}";
            var status = random.Next(1, 120);
            var sleep = random.Next(10) < 2 ? "2" : $"0.{random.Next(10)}";
            try
            {
                var prepared = await client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = ns, Key = id, Parent = "busybox" }, CancellationToken.None);
                await client.Containers.CreateAsync(new CreateContainer
                {
                    Namespace = ns, Id = id, Runtime = new() { Name = "runc" },
                    Spec = DefaultSpec.Create(new DefaultSpecOptions { Args = ["sh", "-c", $"sleep {sleep}; exit {status}"], Hostname = id }),
                    Snapshotter = prepared.Snapshot.Snapshotter, SnapshotKey = id,
                }, CancellationToken.None);
                await client.Tasks.CreateAsync(id, ns, CancellationToken.None);
                await client.Tasks.StartAsync(id, ns, CancellationToken.None);
                ledger.Started[id] = status;
                Interlocked.Increment(ref ledger.Acknowledged);
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.Unavailable)
            {
                Interlocked.Increment(ref ledger.Unknown); // not acknowledged started: not checked
            }
        }
    }

    private static List<string> MissingEvents(Ledger ledger, IEnumerable<IPlatformEvent> events)
    {
        var created = events.OfType<ContainerCreated>().Select(e => e.Container.Id).ToHashSet();
        var deleted = events.OfType<ContainerDeleted>().Select(e => e.Id).ToHashSet();
        return [.. ledger.Created.Keys.Where(id => !created.Contains(id)).Select(id => "created " + id),
            .. ledger.Deleted.Keys.Where(id => !deleted.Contains(id)).Select(id => "deleted " + id)];
    }

    private static string? IdOf(IPlatformEvent e) => e switch
    {
        ContainerCreated c => c.Container.Id,
        ContainerDeleted d => d.Id,
        _ => null,
    };

    private static async Task<bool> ExistsAsync(PlatformClient client, string ns, string id)
    {
        try
        {
            await client.Containers.GetAsync(id, ns, Ct);
            return true;
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            return false;
        }
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;

    /// <summary>What the storm was told: acknowledged creates and deletes, and how many requests got no answer.</summary>
    private sealed class Ledger
    {
        public readonly ConcurrentDictionary<string, byte> Created = new();
        public readonly ConcurrentDictionary<string, byte> Deleted = new();
        public readonly ConcurrentDictionary<string, byte> Deleting = new();
        public readonly ConcurrentDictionary<string, int> Started = new();
        public int NextId;
        public int Acknowledged;
        public int Unknown;
    }
}
