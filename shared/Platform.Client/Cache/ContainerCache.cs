using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Contracts;
using Platform.Contracts.Containers;

namespace Platform.Client.Cache;

/// <summary>
/// A watch cache of one namespace's containers for long-running callers (Kubernetes' informers are the model): it
/// subscribes to the namespace's container events, seeds itself with a list, and from then on answers
/// <see cref="Get"/> and <see cref="List"/> locally. A cached read shows every change whose event has arrived, so it
/// lags a commit by the outbox relay and the broker (milliseconds when both are healthy; see <see cref="State"/>), and
/// a list every <see cref="ContainerCacheOptions.Resync"/> repairs what a lost subscription missed. A consistent read
/// (<see cref="GetAsync"/> with <c>consistent: true</c>) asks the metadata service, as <see cref="ContainersClient"/>
/// does, and refreshes the cache with the answer.
/// </summary>
public sealed class ContainerCache : IAsyncDisposable
{
    private readonly PlatformClient _client;
    private readonly ContainerCacheOptions _options;
    private readonly ContainerView _view = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _resync = new(1, 1);
    private readonly Lock _seeding = new();
    private List<IPlatformEvent>? _early = [];
    private IAsyncDisposable? _subscription;
    private Task _resyncLoop = Task.CompletedTask;
    private long _forgetBefore;
    private long _eventsApplied;
    private DateTimeOffset _syncedAt;
    private DateTimeOffset? _lastEventAt;

    private ContainerCache(PlatformClient client, string @namespace, ContainerCacheOptions options)
    {
        _client = client;
        Namespace = @namespace;
        _options = options;
    }

    public string Namespace { get; }

    /// <summary>How current the cache is: when it last listed, when the last event arrived, how many it applied.</summary>
    public ContainerCacheState State => new(_syncedAt, _lastEventAt, Interlocked.Read(ref _eventsApplied), _view.Count);

    /// <summary>
    /// Subscribes to <paramref name="namespace"/>'s events (the client's namespace when null), then lists it; returns
    /// once the cache holds the list and every event that arrived meanwhile.
    /// </summary>
    public static async Task<ContainerCache> StartAsync(PlatformClient client, string? @namespace = null, ContainerCacheOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var cache = new ContainerCache(client, client.Namespace(@namespace), options ?? new ContainerCacheOptions());
        try
        {
            // Subscribed before listing, so nothing committed after the list's read goes unseen.
            cache._subscription = await client.Events.SubscribeAsync(cache.OnEventAsync, namespaces: [cache.Namespace],
                cancellationToken: cancellationToken);
            await cache.ResyncAsync(cancellationToken);
            lock (cache._seeding)
            {
                foreach (var early in cache._early!)
                    cache.Apply(early);
                cache._early = null;
            }
            if (cache._options.Resync > TimeSpan.Zero)
                cache._resyncLoop = cache.ResyncPeriodicallyAsync();
            return cache;
        }
        catch (Exception)
        {
            await cache.DisposeAsync();
            throw;
        }
    }

    /// <summary>The container as cached, or null when the cache holds none by that id.</summary>
    public Container? Get(string id) => _view.Get(id);

    /// <summary>
    /// The container by <paramref name="id"/>: from the cache, or with <paramref name="consistent"/> from the metadata
    /// service (the answer also refreshes the cache). NotFound when there is none.
    /// </summary>
    public async Task<Container> GetAsync(string id, bool consistent = false, CancellationToken cancellationToken = default)
    {
        if (!consistent)
            return _view.Get(id) ?? throw PlatformException.NotFound($"container \"{id}\" not found in namespace \"{Namespace}\" (cached read)");
        var container = await _client.Containers.GetAsync(id, Namespace, cancellationToken);
        _view.Put(container);
        return container;
    }

    /// <summary>The cached containers that match <paramref name="filters"/> (containerd's filter syntax, as for a list), in id order.</summary>
    public IReadOnlyList<Container> List(IReadOnlyList<string>? filters = null) => _view.List(FilterSet.Parse(filters));

    /// <summary>Lists the namespace now and makes the cache agree with it (what was not listed and changed before is dropped).</summary>
    public async Task ResyncAsync(CancellationToken cancellationToken = default)
    {
        await _resync.WaitAsync(cancellationToken);
        try
        {
            var mark = _view.Mark();
            var listed = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var container in _client.Containers.ListAsync(null, Namespace, _options.PageSize, cancellationToken))
            {
                listed.Add(container.Id);
                _view.Put(container);
            }
            _view.Reconcile(listed, mark, _forgetBefore);
            _forgetBefore = mark;
            _syncedAt = DateTimeOffset.UtcNow;
        }
        finally
        {
            _resync.Release();
        }
    }

    private Task OnEventAsync(IPlatformEvent e, CancellationToken cancellationToken)
    {
        if (e.Namespace != Namespace || e is not (ContainerCreated or ContainerUpdated or ContainerDeleted))
            return Task.CompletedTask;
        lock (_seeding)
        {
            if (_early is not null)
            {
                _early.Add(e);
                return Task.CompletedTask;
            }
        }
        Apply(e);
        return Task.CompletedTask;
    }

    private void Apply(IPlatformEvent e)
    {
        _ = e switch
        {
            ContainerCreated created => _view.Put(created.Container),
            ContainerUpdated updated => _view.Put(updated.Container),
            ContainerDeleted deleted => _view.Remove(deleted.Id, deleted.CreatedAt),
            _ => false,
        };
        Interlocked.Increment(ref _eventsApplied);
        _lastEventAt = DateTimeOffset.UtcNow;
    }

    private async Task ResyncPeriodicallyAsync()
    {
        using var timer = new PeriodicTimer(_options.Resync);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await ResyncAsync(_stop.Token);
                }
                catch (PlatformException)
                {
                    // The service is away for now: the cache keeps what it has and lists again next time.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _resyncLoop;
        if (_subscription is not null)
            await _subscription.DisposeAsync();
        _stop.Dispose();
    }
}

/// <summary>Settings of a <see cref="ContainerCache"/>.</summary>
public sealed record ContainerCacheOptions
{
    /// <summary>How often the cache lists the namespace again to repair what a lost subscription missed; zero never.</summary>
    public TimeSpan Resync { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Page size of the lists (0: the service's default).</summary>
    public int PageSize { get; init; }
}

/// <summary>
/// How current a <see cref="ContainerCache"/> is: <see cref="SyncedAt"/> when it last agreed with a list,
/// <see cref="LastEventAt"/> when it last applied an event, and how many containers it holds.
/// </summary>
public readonly record struct ContainerCacheState(DateTimeOffset SyncedAt, DateTimeOffset? LastEventAt, long EventsApplied, int Count);
