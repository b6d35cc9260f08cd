using Platform.Contracts.Users;

namespace Platform.Hosting.Security;

/// <summary>Where a service reads a user's grants: the metadata store in the metadata service, the bus elsewhere.</summary>
public interface IUserDirectory
{
    /// <summary>The user, or null when no user of that name is recorded.</summary>
    Task<PlatformUser?> FindAsync(string name, CancellationToken cancellationToken);
}
