using MassTransit;

namespace Platform.Contracts.Events;

/// <summary>
/// Query: one page of the events a service committed (its own store's history), in commit order. Each service answers on
/// its own queue (<see cref="EventHistoryQueues"/>); a client asks all of them and merges. Needs the same grant as
/// subscribing to the namespace's events: read access to <see cref="Namespace"/>, or an administrator for
/// <see cref="AllNamespaces"/>. Replies <see cref="ReadEventHistoryResult"/> or <see cref="ErrorReply"/> (InvalidArgument
/// for a bad filter, range or token; PermissionDenied).
/// </summary>
[MessageUrn("platform:events:ReadEventHistory")]
[Requires(Access.Read)]
public sealed record ReadEventHistory
{
    /// <summary>Optional; <c>default</c> when absent. Only events of this namespace, unless <see cref="AllNamespaces"/>.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional. Events of every namespace (administrators only); <see cref="Namespace"/> is then ignored.</summary>
    public bool AllNamespaces { get; init; }

    /// <summary>Optional. Events whose timestamp is at or after this; absent: from the oldest the service keeps.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>
    /// Optional. Events after this one: from its timestamp on, leaving out the events up to and including it in this
    /// service's commit order. A service that does not hold it answers with no events and no
    /// <see cref="ReadEventHistoryResult.SinceEventTimestamp"/>; the client then asks it again with <see cref="Since"/>.
    /// </summary>
    public Guid? SinceEventId { get; init; }

    /// <summary>Optional. Events whose timestamp is at or before this; absent: up to the last committed.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Optional. containerd filters over type, namespace, id and labels.&lt;key&gt; (as <c>events --filter</c>): any may match.</summary>
    public IReadOnlyList<string>? Filters { get; init; }

    /// <summary>Optional. Most events in this page; 0 or absent means the server default (1,000); capped at 5,000.</summary>
    public int Limit { get; init; }

    /// <summary>Optional. The token of the previous page's result, to continue after it.</summary>
    public string? ContinuationToken { get; init; }
}
