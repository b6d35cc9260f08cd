using MassTransit;

namespace Platform.Contracts.Events;

/// <summary>Reply to <see cref="ReadEventHistory"/>: one page of one service's events.</summary>
[MessageUrn("platform:events:ReadEventHistoryResult")]
public sealed record ReadEventHistoryResult
{
    /// <summary>Required. The matching events of this page, in the service's commit order.</summary>
    public required IReadOnlyList<HistoricalEvent> Events { get; init; }

    /// <summary>Set when more may follow: pass it back to get the next page. Absent on the last page.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>
    /// Set when the request named <see cref="ReadEventHistory.SinceEventId"/> and this service holds that event: the
    /// event's timestamp, where the other services' histories start. Absent otherwise.
    /// </summary>
    public DateTimeOffset? SinceEventTimestamp { get; init; }
}
