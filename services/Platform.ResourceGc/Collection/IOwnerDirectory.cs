namespace Platform.ResourceGc.Collection;

/// <summary>
/// Answers whether a reference's owner still exists, from the service that owns it (containers: the metadata
/// service). A pass uses it to drop references left by a crash between registering and committing.
/// </summary>
public interface IOwnerDirectory
{
    /// <summary>
    /// False only when that incarnation of the owner is known to be gone (no such id, or the id was re-created
    /// since); true when it exists or can't be checked now. Generation 0 matches any incarnation.
    /// </summary>
    Task<bool> ExistsAsync(string @namespace, string ownerKind, string ownerId, long generation, CancellationToken cancellationToken);

    /// <summary>
    /// The owners of one kind that exist in a namespace, by id with their generation, read in bulk so a pass need
    /// not ask about each reference in turn. Only a hint: an owner missing here may have been created since, so a
    /// pass confirms with <see cref="ExistsAsync"/> before dropping anything. Default: none known (ask each).
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> ExistingAsync(string @namespace, string ownerKind, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>());
}
