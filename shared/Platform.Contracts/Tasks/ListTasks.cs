using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>
/// Query: the tasks of a namespace, ordered by container id. Filters use the container filter language over the
/// fields <c>id</c> (container id), <c>status</c> (created|running|paused|stopped), <c>runtime</c> and <c>pid</c>.
/// Replies <see cref="ListTasksResult"/>.
/// </summary>
[MessageUrn("platform:tasks:ListTasks")]
[Requires(Access.Read)]
public sealed record ListTasks
{
    /// <summary>Optional; <c>default</c> when absent.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional. Alternatives; a task matches when any matches. Empty: all.</summary>
    public IReadOnlyList<string> Filters { get; init; } = [];
}
