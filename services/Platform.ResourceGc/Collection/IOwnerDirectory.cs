namespace Platform.ResourceGc.Collection;

/// <summary>
/// Answers whether a reference's owner still exists, from the service that owns it (containers: the metadata
/// service). A pass uses it to drop references left by a crash between registering and committing.
/// </summary>
public interface IOwnerDirectory
{
    /// <summary>False only when the owner is known to be gone; true when it exists or can't be checked now.</summary>
    Task<bool> ExistsAsync(string @namespace, string ownerKind, string ownerId, CancellationToken cancellationToken);
}
