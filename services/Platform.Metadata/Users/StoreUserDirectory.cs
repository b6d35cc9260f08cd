using Platform.Contracts.Users;
using Platform.Hosting.Security;
using Platform.Metadata.Store;

namespace Platform.Metadata.Users;

/// <summary>The metadata service reads grants straight from its own store; the other services ask it over the bus.</summary>
public sealed class StoreUserDirectory(IUserStore store) : IUserDirectory
{
    public Task<PlatformUser?> FindAsync(string name, CancellationToken cancellationToken) => store.GetAsync(name, cancellationToken);
}
