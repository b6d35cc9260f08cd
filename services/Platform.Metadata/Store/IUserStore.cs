using Platform.Contracts.Users;

namespace Platform.Metadata.Store;

/// <summary>
/// Users and their grants, in the metadata database beside containers and images. Not namespaced and without events:
/// services read grants through the user directory and cache them briefly.
/// </summary>
public interface IUserStore
{
    Task<PlatformUser?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every user, sorted by name.</summary>
    Task<IReadOnlyList<PlatformUser>> ListAsync(CancellationToken cancellationToken);

    /// <summary>False when a user of that name exists already.</summary>
    Task<bool> CreateAsync(PlatformUser user, CancellationToken cancellationToken);

    /// <summary>Replaces the user if it is still as read (same <see cref="PlatformUser.UpdatedAt"/>); false otherwise.</summary>
    Task<bool> ReplaceAsync(PlatformUser user, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken);

    /// <summary>False when no user of that name exists.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}
