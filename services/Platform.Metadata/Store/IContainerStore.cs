using Platform.Common.Filters;
using Platform.Hosting.Outbox;
using Platform.Contracts.Containers;

namespace Platform.Metadata.Store;

/// <summary>One page of a list: the containers, and where the next page starts (null on the last page).</summary>
public sealed record ContainerPage(IReadOnlyList<Container> Containers, string? After);

/// <summary>
/// The metadata service's container store. Every write stores its event in the same transaction (the outbox)
/// and allocates the container's next per-object sequence number for it. Containers are validated before they
/// reach the store; the store enforces only identity (namespace + id) and versions.
/// </summary>
public interface IContainerStore
{
    /// <summary>The container, or null when the namespace holds no such id.</summary>
    Task<Container?> GetAsync(string @namespace, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> containers of the namespace that match <paramref name="filters"/>, ordered
    /// by id, starting after the id <paramref name="after"/> (null: from the start).
    /// </summary>
    Task<ContainerPage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken);

    /// <summary>Inserts a new container (version 1) with its event. AlreadyExists when the id is taken.</summary>
    Task CreateAsync(Container container, EventFactory makeEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored container if its version is still <paramref name="expectedVersion"/>; returns false
    /// (writing nothing) when it changed or vanished meanwhile.
    /// </summary>
    Task<bool> UpdateAsync(Container container, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken);

    /// <summary>Deletes the container if its version is still <paramref name="expectedVersion"/>; false otherwise.</summary>
    Task<bool> DeleteAsync(string @namespace, string id, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken);
}
