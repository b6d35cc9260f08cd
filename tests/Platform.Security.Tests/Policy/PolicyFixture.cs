using Platform.Contracts.Users;
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

namespace Platform.Security.Tests.Policy;

/// <summary>
/// Platform on the real broker with real runc, a busybox snapshot to run on, every event of the fixture's namespace,
/// and two clients: <see cref="PlatformFixture.Client"/> as the services' own (privileged) user, and <see cref="User"/>
/// as a broker user of its own, granted read-write (not privileged) in the test namespace.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PolicyFixture : PlatformFixture
{
    private BrokerUser? _brokerUser;
    private PlatformClient? _user;
    private IAsyncDisposable? _subscription;

    public string Namespace { get; } = $"policy-{Guid.NewGuid():N}"[..15];

    /// <summary>Small per-user and per-task limits, so the limit tests reach them quickly.</summary>
    public const int HeldRequestsPerUser = 3;

    public const int MaxExecsPerTask = 4;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["TaskRunner:HeldRequestsPerUser"] = HeldRequestsPerUser.ToString(),
        ["TaskRunner:MaxExecsPerTask"] = MaxExecsPerTask.ToString(),
    };

    public ConcurrentQueue<IPlatformEvent> Events { get; } = new();

    /// <summary>The unprivileged client, after checking that real containers can run here.</summary>
    public PlatformClient User
    {
        get
        {
            _ = Client;
            Requirements.Runtime();
            return _user ?? throw new InvalidOperationException("the fixture did not start");
        }
    }

    /// <summary>The privileged client, after checking that real containers can run here.</summary>
    public PlatformClient Service
    {
        get
        {
            var client = Client;
            Requirements.Runtime();
            return client;
        }
    }

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
            if (e.Namespace == Namespace)
                Events.Enqueue(e);
            return Task.CompletedTask;
        });
        _brokerUser = await BrokerUsers.CreateAsync("policy");
        // Read-write in the test namespace, without the privileged flag: exactly what the policy confines.
        await Client.Users.CreateAsync(new CreateUser
        {
            Name = _brokerUser.Name, Grants = [new UserGrant { Namespace = Namespace, Role = NamespaceRole.ReadWrite }],
        });
        _user = await PlatformClient.ConnectAsync(new PlatformClientOptions { BusUri = _brokerUser.BusUri, EndpointPrefix = Prefix, Timeout = TimeSpan.FromSeconds(20) });
    }

    public override async ValueTask DisposeAsync()
    {
        if (_user is not null)
            await _user.DisposeAsync();
        if (_brokerUser is not null)
            await _brokerUser.DisposeAsync();
        if (_subscription is not null)
            await _subscription.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>The default spec of a container running <paramref name="args"/>, changed by <paramref name="edit"/>.</summary>
    public static string Spec(string id, string[] args, Action<JsonObject>? edit = null)
    {
        var spec = DefaultSpec.Build(new DefaultSpecOptions { Args = args, Hostname = id });
        edit?.Invoke(spec);
        return spec.ToJsonString();
    }

    /// <summary>Prepares a snapshot of busybox and creates a container on it, as <paramref name="client"/>.</summary>
    public async Task<Container> CreateAsync(PlatformClient client, string id, string[] args, Action<JsonObject>? edit = null,
        IReadOnlyDictionary<string, string>? labels = null)
    {
        var prepared = await client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = Namespace, Key = id, Parent = "busybox" });
        return await client.Containers.CreateAsync(new CreateContainer
        {
            Namespace = Namespace, Id = id, Runtime = new RuntimeInfo { Name = "runc" }, Spec = Spec(id, args, edit),
            Snapshotter = prepared.Snapshot.Snapshotter, SnapshotKey = id, Labels = labels,
        });
    }

    public async Task<TaskExit> WaitAsync(PlatformClient client, string id)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        return await client.Tasks.WaitAsync(id, null, Namespace, deadline.Token);
    }

    public async Task<string> OutputAsync(PlatformClient client, string id)
    {
        var text = new System.Text.StringBuilder();
        await foreach (var entry in client.Tasks.StreamLogsAsync(id, follow: false, @namespace: Namespace, cancellationToken: TestContext.Current.CancellationToken))
            text.Append(entry.Text).Append('\n');
        return text.ToString();
    }

    public static async Task<PlatformException> RefusedAsync(ErrorKind kind, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<PlatformException>(call);
        Assert.True(e.Kind == kind, $"expected {kind}, got {e.Kind}: {e.Message}");
        return e;
    }

    public T EventOf<T>(string containerId) where T : IPlatformEvent =>
        Events.OfType<T>().Single(e => e switch
        {
            TaskCreated c => c.ContainerId == containerId,
            TaskStarted s => s.ContainerId == containerId,
            _ => false,
        });
}
