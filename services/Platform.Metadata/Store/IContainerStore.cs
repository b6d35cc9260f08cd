using Platform.Common.Filters;
using Platform.Hosting.Commands;
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

    /// <summary>
    /// Inserts a new container (version 1) with its event, and <paramref name="outcome"/> when given (all in one transaction).
    /// AlreadyExists when the id is taken.
    /// </summary>
    Task CreateAsync(Container container, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null);

    /// <summary>
    /// Replaces the stored container if its version is still <paramref name="expectedVersion"/>; returns false
    /// (writing nothing) when it changed or vanished meanwhile. <paramref name="outcome"/>, when given, is recorded with the change.
    /// </summary>
    Task<bool> UpdateAsync(Container container, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null);

    /// <summary>
    /// Deletes the container if its version is still <paramref name="expectedVersion"/> and its task hold still
    /// <paramref name="expectedHold"/>; false otherwise. The hold check is what makes a concurrent <see cref="HoldAsync"/>
    /// and this deletion exclude each other: whichever commits second fails. <paramref name="outcome"/>, when given, is recorded with it.
    /// </summary>
    Task<bool> DeleteAsync(string @namespace, string id, long expectedVersion, TaskHold expectedHold, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null);

    /// <summary>The container with its task hold, or null when the namespace holds no such id.</summary>
    Task<(Container Container, TaskHold Hold)?> GetWithHoldAsync(string @namespace, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Records, in one atomic step, that the task of <paramref name="generation"/> (positive) holds the container, whatever
    /// hold was there, and returns the container as stored; null (writing nothing) when the container does not exist.
    /// Neither the container's version nor its events change.
    /// </summary>
    Task<Container?> HoldAsync(string @namespace, string id, long generation, CancellationToken cancellationToken);

    /// <summary>
    /// Clears the task hold if it is still <paramref name="generation"/>'s; false when another task holds the container
    /// (a later one: its hold stays), nothing does, or the container is gone.
    /// </summary>
    Task<bool> ReleaseAsync(string @namespace, string id, long generation, CancellationToken cancellationToken);
}
