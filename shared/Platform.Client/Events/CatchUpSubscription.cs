using System.Threading.Channels;
using Platform.Common.Events;
using Platform.Common.Filters;
using Platform.Contracts;

namespace Platform.Client;

/// <summary>
/// A live subscription that first replays the event history (see <see cref="EventsClient.SubscribeAsync(Func{IPlatformEvent, CancellationToken, Task}, EventsFrom, IReadOnlyCollection{string}?, IReadOnlyList{string}?, CancellationToken)"/>).
/// The seam: the live queue is bound before the history is read, so an event committed after the read arrives live,
/// and one committed before it is in the history; live events wait in a buffer during the replay, and any whose id the
/// replay delivered is dropped, then and later (the relay may publish an event the history already held long after).
/// The replayed ids are kept for as long as the subscription lives: 16 bytes and a set entry per replayed event.
/// </summary>
internal sealed class CatchUpSubscription : IAsyncDisposable
{
    private readonly Func<IPlatformEvent, CancellationToken, Task> _handler;
    private readonly FilterSet _filters;
    private readonly Channel<IPlatformEvent> _live = Channel.CreateUnbounded<IPlatformEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<Guid> _replayed = [];
    private readonly CancellationTokenSource _stopping = new();
    private IAsyncDisposable? _subscription;
    private Task? _pump;

    private CatchUpSubscription(Func<IPlatformEvent, CancellationToken, Task> handler, FilterSet filters)
    {
        _handler = handler;
        _filters = filters;
    }

    public static async Task<IAsyncDisposable> StartAsync(EventsClient events, EventHistory history, Func<IPlatformEvent, CancellationToken, Task> handler,
        EventsFrom from, IReadOnlyCollection<string>? namespaces, IReadOnlyList<string>? filters, CancellationToken cancellationToken)
    {
        var subscription = new CatchUpSubscription(handler, FilterSet.Parse(filters));
        try
        {
            subscription._subscription = await events.SubscribeAsync(subscription.BufferAsync, namespaces: namespaces, cancellationToken: cancellationToken);
            await foreach (var e in history.ReadAsync(from, until: null, filters, namespaces, cancellationToken))
            {
                if (subscription._replayed.Add(e.EventId))
                    await subscription.DeliverAsync(e);
            }
        }
        catch (Exception)
        {
            await subscription.DisposeAsync();
            throw;
        }
        subscription._pump = Task.Run(subscription.PumpAsync, CancellationToken.None);
        return subscription;
    }

    private Task BufferAsync(IPlatformEvent e, CancellationToken cancellationToken)
    {
        _live.Writer.TryWrite(e);
        return Task.CompletedTask;
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var e in _live.Reader.ReadAllAsync(_stopping.Token))
            {
                if (!_replayed.Contains(e.EventId) && _filters.Match(new EventFields(e)))
                    await DeliverAsync(e);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(IPlatformEvent e)
    {
        try
        {
            await _handler(e, _stopping.Token);
        }
        catch (Exception) when (!_stopping.IsCancellationRequested)
        {
            // As a live subscription does: an event whose handler failed is not handed over again.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync();
        _live.Writer.TryComplete();
        if (_subscription is not null)
            await _subscription.DisposeAsync();
        if (_pump is not null)
            await _pump;
        _stopping.Dispose();
    }
}
