using Platform.Contracts;
using Platform.Contracts.Users;

namespace Platform.Client;

/// <summary>
/// Users and their grants (administrators only). This records what a broker user may do; making the broker user
/// itself is the caller's job (RabbitMQ's management API), so no password travels on the bus.
/// </summary>
public sealed class UsersClient(PlatformClient client)
{
    public async Task<PlatformUser> CreateAsync(CreateUser request, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<CreateUser, UserResult>(QueueNames.Of<CreateUser>(), request, cancellationToken)).User;

    public async Task<PlatformUser> GetAsync(string name, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<GetUser, UserResult>(QueueNames.Of<GetUser>(), new GetUser { Name = name }, cancellationToken)).User;

    public async Task<IReadOnlyList<PlatformUser>> ListAsync(CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<ListUsers, ListUsersResult>(QueueNames.Of<ListUsers>(), new ListUsers(), cancellationToken)).Users;

    public async Task<PlatformUser> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<DeleteUser, UserResult>(QueueNames.Of<DeleteUser>(), new DeleteUser { Name = name }, cancellationToken)).User;

    public async Task<PlatformUser> GrantAsync(string user, UserGrant grant, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<GrantNamespace, UserResult>(QueueNames.Of<GrantNamespace>(), new GrantNamespace { User = user, Grant = grant }, cancellationToken)).User;

    public async Task<PlatformUser> RevokeAsync(string user, string @namespace, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<RevokeNamespace, UserResult>(QueueNames.Of<RevokeNamespace>(), new RevokeNamespace { User = user, Namespace = @namespace }, cancellationToken)).User;
}
