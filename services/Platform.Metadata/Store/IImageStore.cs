using Platform.Common.Filters;
using Platform.Contracts.Images;
using Platform.Hosting.Commands;
using Platform.Hosting.Outbox;

namespace Platform.Metadata.Store;

/// <summary>One page of a list: the images, and where the next page starts (null on the last page).</summary>
public sealed record ImagePage(IReadOnlyList<Image> Images, string? After);

/// <summary>
/// The metadata service's image store. Images live in the same database as containers and append their events to the
/// same outbox (one relay per service reads it), each write allocating the image's next per-object sequence number
/// (kind <c>image</c>, keyed by namespace and normalised name). Images are validated and their names normalised before
/// they reach the store; the store enforces only identity (namespace + name) and versions.
/// </summary>
public interface IImageStore
{
    /// <summary>The image, or null when the namespace holds no image of that (normalised) name.</summary>
    Task<Image?> GetAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> images of the namespace that match <paramref name="filters"/>, ordered by name
    /// (ordinal), starting after the name <paramref name="after"/> (null: from the start).
    /// </summary>
    Task<ImagePage> ListAsync(string @namespace, FilterSet filters, int limit, string? after, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts a new image (version 1) with its event, and <paramref name="outcome"/> when given (one transaction).
    /// AlreadyExists when the name is taken.
    /// </summary>
    Task CreateAsync(Image image, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null);

    /// <summary>
    /// Replaces the stored image if its version is still <paramref name="expectedVersion"/>; returns false (writing
    /// nothing) when it changed or vanished meanwhile. <paramref name="outcome"/>, when given, is recorded with the change.
    /// </summary>
    Task<bool> UpdateAsync(Image image, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken, CommandOutcome? outcome = null);

    /// <summary>
    /// Deletes the image if its version is still <paramref name="expectedVersion"/>; false otherwise. <paramref name="outcome"/>,
    /// when given, is recorded with it.
    /// </summary>
    Task<bool> DeleteAsync(string @namespace, string name, long expectedVersion, EventFactory makeEvent, CancellationToken cancellationToken,
        CommandOutcome? outcome = null);
}
