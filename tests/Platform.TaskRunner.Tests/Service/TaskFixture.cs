using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Platform.Client;
using Platform.Client.Oci;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>
/// Platform (metadata, resource GC, task runner) on the real broker with real runc: a busybox rootfs imported as the
/// committed snapshot <c>busybox</c> of the fixture's namespace, and every event of that namespace recorded.
/// </summary>
[SupportedOSPlatform("linux")]
public class TaskFixture : PlatformFixture
{
    private IAsyncDisposable? _subscription;

    public string Namespace { get; } = $"tasks-{Guid.NewGuid():N}"[..14];

    /// <summary>Events of the fixture's namespace in arrival order, duplicates (same event id, redelivered after a restart) dropped as a subscriber must.</summary>
    public ConcurrentQueue<IPlatformEvent> Events { get; } = new();

    private readonly ConcurrentDictionary<Guid, bool> _seen = new();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        try
        {
            Requirements.RabbitMq();
            Requirements.Runtime();
        }
        catch (Exception)
        {
            return; // each test reports what is missing
        }
        // A root: the collector keeps it when the last container on top of it goes.
        await BusyboxRootfs.ImportAsync(Client, Path.Combine(DataRoot, "busybox-src"), Namespace);
        _subscription = await Client.Events.SubscribeAsync((e, _) =>
        {
            if (e.Namespace == Namespace && _seen.TryAdd(e.EventId, true))
                Events.Enqueue(e);
            return Task.CompletedTask;
        });
    }

    public override async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
            await _subscription.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>The client, after checking that real containers can run here.</summary>
    public PlatformClient Runc
    {
        get
        {
            var client = Client;
            Requirements.Runtime();
            return client;
        }
    }

    /// <summary>A container on a fresh active snapshot of busybox running <paramref name="args"/>.</summary>
    public Task<Container> ContainerAsync(string id, params string[] args) => ContainerAsync(id, args, null);

    public async Task<Container> ContainerAsync(string id, string[] args, Action<JsonObject>? editSpec, string runtime = "runc",
        IReadOnlyDictionary<string, string>? labels = null)
    {
        var prepared = await Runc.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = Namespace, Key = id, Parent = "busybox" });
        var spec = JsonNode.Parse(DefaultSpec.Create(new DefaultSpecOptions { Args = args, Hostname = id }))!.AsObject();
        editSpec?.Invoke(spec);
        return await Runc.Containers.CreateAsync(new CreateContainer
        {
            Namespace = Namespace, Id = id, Runtime = new RuntimeInfo { Name = runtime }, Spec = spec.ToJsonString(), Labels = labels,
            Snapshotter = prepared.Snapshot.Snapshotter, SnapshotKey = id,
        });
    }

    /// <summary>Creates and starts the task of a new container.</summary>
    public async Task<TaskInfo> RunAsync(string id, params string[] args)
    {
        await ContainerAsync(id, args);
        await Runc.Tasks.CreateAsync(id, Namespace);
        return await Runc.Tasks.StartAsync(id, Namespace);
    }

    public IReadOnlyList<T> EventsOf<T>(string containerId) where T : IPlatformEvent =>
        Events.OfType<T>().Where(e => ContainerIdOf(e) == containerId).ToList();

    /// <summary>The task events of one container in arrival order.</summary>
    public IReadOnlyList<IPlatformEvent> TaskEvents(string containerId) =>
        Events.Where(e => e.GetType().Namespace == typeof(TaskCreated).Namespace && ContainerIdOf(e) == containerId).ToList();

    public async Task<TaskExit> WaitAsync(string id, string? execId = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        return await Runc.Tasks.WaitAsync(id, execId, Namespace, deadline.Token);
    }

    public async Task GoneAsync(string id) =>
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await Client.Tasks.GetAsync(id, Namespace);
                return false;
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                return true;
            }
        }, TestContext.Current.CancellationToken, TimeSpan.FromSeconds(20), $"task {id} should be deleted");

    private static string? ContainerIdOf(IPlatformEvent e) => e switch
    {
        TaskCreated x => x.ContainerId,
        TaskStarted x => x.ContainerId,
        TaskExited x => x.ContainerId,
        TaskDeleted x => x.ContainerId,
        TaskExecStarted x => x.ContainerId,
        TaskPaused x => x.ContainerId,
        TaskResumed x => x.ContainerId,
        TaskOom x => x.ContainerId,
        TaskUpdated x => x.ContainerId,
        HealthChanged x => x.ContainerId,
        TaskRestarted x => x.ContainerId,
        _ => null,
    };
}

internal static class Errors
{
    public static async Task<PlatformException> Of(ErrorKind kind, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<PlatformException>(call);
        Assert.True(e.Kind == kind, $"expected {kind}, got {e.Kind}: {e.Message}");
        return e;
    }
}
