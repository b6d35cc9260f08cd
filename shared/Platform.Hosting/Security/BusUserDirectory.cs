using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Users;

namespace Platform.Hosting.Security;

/// <summary>Grants read from the metadata service over the bus, as the services' own user.</summary>
public sealed class BusUserDirectory(PlatformClient client) : IUserDirectory
{
    public async Task<PlatformUser?> FindAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Users.GetAsync(name, cancellationToken);
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            return null;
        }
    }
}
