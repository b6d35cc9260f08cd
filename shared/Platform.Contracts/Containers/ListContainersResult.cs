using MassTransit;

namespace Platform.Contracts.Containers;

/// <summary>Reply to <see cref="ListContainers"/>: one page.</summary>
[MessageUrn("platform:containers:ListContainersResult")]
public sealed record ListContainersResult
{
    /// <summary>Required. The matching containers of this page, ordered by id.</summary>
    public required IReadOnlyList<Container> Containers { get; init; }

    /// <summary>Set when more may follow: pass it back to get the next page. Absent on the last page.</summary>
    public string? ContinuationToken { get; init; }
}
