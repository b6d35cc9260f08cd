using Platform.Common.Errors;
using Platform.Common.Events;
using Platform.Common.Filters;
using Platform.Common.Paging;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Hosting.Outbox;
using Platform.Hosting.Security;

namespace Platform.Hosting.History;

/// <summary>
/// One page of a service's event history for a caller: the events of the namespace it asked for (all of them for an
/// administrator who asked for every namespace) that match its filters, in commit order. Filters are applied to the
/// events themselves, so a page reads on until it is full or has looked at <see cref="ScanBudget"/> events; a page
/// cut short by the budget still carries a token, so a client reads on.
/// </summary>
public sealed class EventHistoryReader
{
    /// <summary>Tag of this query's continuation tokens.</summary>
    private const string TokenTag = "h1";

    /// <summary>Stored events read per store query.</summary>
    private const int ReadBatch = 500;

    /// <summary>Most stored events one page looks at, so a sparse filter over a long history can't outlast the request.</summary>
    public const int ScanBudget = 20_000;

    public async Task<ReadEventHistoryResult> ReadAsync(IEventHistoryStore store, ReadEventHistory request, Caller caller,
        CancellationToken cancellationToken)
    {
        var filters = FilterSet.Parse(request.Filters);
        var limit = PageLimits.Of(request.Limit);
        if (request.Since is { } since && request.Until is { } until && until < since)
            throw PlatformException.InvalidArgument($"until ({until:O}) must not be before since ({since:O})");
        if (request.AllNamespaces && !caller.IsAdmin && !caller.IsService)
            throw PlatformException.PermissionDenied(
                $"user \"{caller.User}\" may not read the event history of every namespace: it needs an administrator; name a namespace");
        var @namespace = request.Namespace is { Length: > 0 } named ? named : Namespaces.Default;
        bool Visible(IPlatformEvent e) => request.AllNamespaces ? caller.RoleIn(e.Namespace) is not null : e.Namespace == @namespace;

        var cursor = ContinuationTokens.Decode(TokenTag, request.ContinuationToken);
        var from = request.Since;
        DateTimeOffset? anchor = null;
        if (request.SinceEventId is { } eventId)
        {
            // Only an event the caller could have seen anchors a read: its time says nothing about other namespaces.
            var record = await store.FindHistoryAsync(eventId, cancellationToken);
            if (record is null || !Visible(Decode(record)))
                return new ReadEventHistoryResult { Events = [] };
            anchor = record.Timestamp;
            from = from is { } s && s > record.Timestamp ? s : record.Timestamp;
            cursor ??= record.Cursor;
        }

        var events = new List<HistoricalEvent>();
        var more = false;
        var scanned = 0;
        while (!more)
        {
            var batch = await store.ReadHistoryAsync(cursor, from, request.Until, ReadBatch, cancellationToken);
            foreach (var record in batch)
            {
                var e = Decode(record);
                if (Visible(e) && filters.Match(new EventFields(e)))
                {
                    if (events.Count == limit)
                    {
                        more = true;
                        break;
                    }
                    events.Add(new HistoricalEvent
                    {
                        EventId = record.EventId, MessageType = record.MessageType, Timestamp = record.Timestamp, Event = record.Payload,
                    });
                }
                cursor = record.Cursor;
                if (++scanned == ScanBudget)
                {
                    more = true;
                    break;
                }
            }
            if (batch.Count < ReadBatch)
                break;
        }
        return new ReadEventHistoryResult
        {
            Events = events,
            ContinuationToken = more ? ContinuationTokens.Encode(TokenTag, cursor) : null,
            SinceEventTimestamp = anchor,
        };
    }

    private static IPlatformEvent Decode(HistoryRecord record) => (IPlatformEvent)EventCodec.Deserialize(record.MessageType, record.Payload).Event;
}
