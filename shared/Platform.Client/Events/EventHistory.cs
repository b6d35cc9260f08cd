using System.Runtime.CompilerServices;
using Platform.Client.Requests;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Events;

namespace Platform.Client;

/// <summary>
/// Reads the event history of every service (<see cref="EventHistoryQueues.All"/>), page by page, and merges it by
/// timestamp; ties go by service (in that list's order), then by each service's commit order.
/// </summary>
internal sealed class EventHistory(PlatformClient client)
{
    public async IAsyncEnumerable<IPlatformEvent> ReadAsync(EventsFrom from, DateTimeOffset? until, IReadOnlyList<string>? filters,
        IReadOnlyCollection<string>? namespaces, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IReadOnlyList<ReadEventHistory> scopes = namespaces is null or { Count: 0 }
            ? [new ReadEventHistory { AllNamespaces = true, Since = from.Time, Until = until, Filters = filters }]
            : [.. namespaces.Distinct(StringComparer.Ordinal).Select(ns => new ReadEventHistory { Namespace = ns, Since = from.Time, Until = until, Filters = filters })];
        var sources = await OpenAsync(from, scopes, cancellationToken);
        var streams = sources.Select(s => Pages(s.Queue, s.Request, s.First, cancellationToken).GetAsyncEnumerator(cancellationToken)).ToList();
        try
        {
            var heads = new HistoricalEvent?[streams.Count];
            for (var i = 0; i < streams.Count; i++)
                heads[i] = await streams[i].MoveNextAsync() ? streams[i].Current : null;
            while (true)
            {
                var next = -1;
                for (var i = 0; i < heads.Length; i++)
                {
                    if (heads[i] is { } head && (next < 0 || head.Timestamp < heads[next]!.Timestamp))
                        next = i;
                }
                if (next < 0)
                    yield break;
                var chosen = heads[next]!;
                heads[next] = await streams[next].MoveNextAsync() ? streams[next].Current : null;
                if (sources[next].Skip(chosen))
                    continue;
                if (Envelope.DecodeEvent(chosen.MessageType, chosen.Event) is { } e)
                    yield return e;
            }
        }
        finally
        {
            foreach (var stream in streams)
                await stream.DisposeAsync();
        }
    }

    /// <summary>
    /// One source per service and scope, in tie-breaking order. From an event id, every service is asked with it first: the
    /// one that keeps it starts after it and says its time, the others start at that time, leaving out events of that
    /// very time that sort before the anchor (those of services listed earlier).
    /// </summary>
    private async Task<List<Source>> OpenAsync(EventsFrom from, IReadOnlyList<ReadEventHistory> scopes, CancellationToken cancellationToken)
    {
        var sources = new List<Source>();
        foreach (var (queue, service) in EventHistoryQueues.All.Select((q, i) => (q, i)))
        {
            foreach (var scope in scopes)
                sources.Add(new Source(queue, service, scope with { SinceEventId = from.EventId }));
        }
        if (from.EventId is not { } eventId)
            return sources;
        var firsts = await Task.WhenAll(sources.Select(s => client.RequestAsync<ReadEventHistory, ReadEventHistoryResult>(s.Queue, s.Request, cancellationToken)));
        var holder = Array.FindIndex(firsts, f => f.SinceEventTimestamp is not null);
        if (holder < 0)
            throw PlatformException.NotFound($"event {eventId} is not in the event history: pruned, never committed, or of a namespace you can't read");
        var anchor = firsts[holder].SinceEventTimestamp!.Value;
        for (var i = 0; i < sources.Count; i++)
        {
            sources[i] = firsts[i].SinceEventTimestamp is not null
                ? sources[i] with { First = firsts[i] }
                : sources[i] with { Request = sources[i].Request with { SinceEventId = null, Since = Later(sources[i].Request.Since, anchor) }, AnchorTime = anchor, AnchorService = sources[holder].Service };
        }
        return sources;
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    private async IAsyncEnumerable<HistoricalEvent> Pages(string queue, ReadEventHistory request, ReadEventHistoryResult? first,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = first ?? await client.RequestAsync<ReadEventHistory, ReadEventHistoryResult>(queue, request, cancellationToken);
        while (true)
        {
            foreach (var e in page.Events)
                yield return e;
            if (page.ContinuationToken is not { } token)
                yield break;
            page = await client.RequestAsync<ReadEventHistory, ReadEventHistoryResult>(queue, request with { ContinuationToken = token }, cancellationToken);
        }
    }

    private sealed record Source(string Queue, int Service, ReadEventHistory Request)
    {
        public ReadEventHistoryResult? First { get; init; }

        public DateTimeOffset? AnchorTime { get; init; }

        public int AnchorService { get; init; }

        /// <summary>An event of the anchor's very time that the merge puts before the anchor: not "after" it.</summary>
        public bool Skip(HistoricalEvent e) => AnchorTime is { } t && e.Timestamp == t && Service < AnchorService;
    }
}
