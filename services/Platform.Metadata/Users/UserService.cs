using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.Common.Identifiers;
using Platform.Contracts.Users;
using Platform.Hosting.Security;
using Platform.Metadata.Store;

namespace Platform.Metadata.Users;

/// <summary>
/// Users and grants: validate, then write. Grant and revoke read, change and write back under the store's
/// updated-at check, retrying when another change got there first.
/// </summary>
public sealed class UserService(IUserStore store, CallerResolver callers, TimeProvider clock, ILogger<UserService> logger)
{
    private const int MaxWriteAttempts = 8;

    public async Task<PlatformUser> CreateAsync(CreateUser request, CancellationToken cancellationToken)
    {
        var name = ValidName(request.Name, "name");
        var grants = Normalise(request.Grants ?? []);
        var now = clock.GetUtcNow();
        var user = new PlatformUser { Name = name, Admin = request.Admin, Grants = grants, CreatedAt = now, UpdatedAt = now };
        if (!await store.CreateAsync(user, cancellationToken))
            throw PlatformException.AlreadyExists($"user \"{name}\" already exists");
        callers.Forget(name);
        logger.LogInformation("User {User} recorded (admin {Admin}, {Grants} grants)", name, user.Admin, grants.Count);
        return user;
    }

    public async Task<PlatformUser> GetAsync(string? name, CancellationToken cancellationToken)
    {
        var valid = ValidName(name, "name");
        return await store.GetAsync(valid, cancellationToken) ?? throw NotFound(valid);
    }

    public Task<IReadOnlyList<PlatformUser>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    public async Task<PlatformUser> DeleteAsync(string? name, CancellationToken cancellationToken)
    {
        var user = await GetAsync(name, cancellationToken);
        if (!await store.DeleteAsync(user.Name, cancellationToken))
            throw NotFound(user.Name);
        callers.Forget(user.Name);
        logger.LogInformation("User {User} forgotten", user.Name);
        return user;
    }

    public Task<PlatformUser> GrantAsync(GrantNamespace request, CancellationToken cancellationToken)
    {
        var grant = request.Grant ?? throw PlatformException.InvalidArgument("grant: required");
        var valid = Normalise([grant])[0];
        return ChangeAsync(request.User, grants => [.. grants.Where(g => g.Namespace != valid.Namespace), valid], cancellationToken);
    }

    public Task<PlatformUser> RevokeAsync(RevokeNamespace request, CancellationToken cancellationToken)
    {
        var ns = request.Namespace ?? throw PlatformException.InvalidArgument("namespace: required");
        Identifiers.Validate(ns, "namespace");
        return ChangeAsync(request.User, grants => grants.Any(g => g.Namespace == ns)
            ? grants.Where(g => g.Namespace != ns).ToList()
            : throw PlatformException.NotFound($"user \"{request.User}\" has no grant in namespace \"{ns}\""), cancellationToken);
    }

    private async Task<PlatformUser> ChangeAsync(string? name, Func<IReadOnlyList<UserGrant>, IReadOnlyList<UserGrant>> change, CancellationToken cancellationToken)
    {
        var valid = ValidName(name, "user");
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(valid, cancellationToken) ?? throw NotFound(valid);
            var now = clock.GetUtcNow();
            var changed = current with
            {
                Grants = Sorted(change(current.Grants)),
                UpdatedAt = now > current.UpdatedAt ? now : current.UpdatedAt.AddTicks(1),
            };
            if (await store.ReplaceAsync(changed, current.UpdatedAt, cancellationToken))
            {
                callers.Forget(valid);
                logger.LogInformation("User {User} now has {Grants} grants", valid, changed.Grants.Count);
                return changed;
            }
            if (attempt == MaxWriteAttempts)
                throw PlatformException.Unavailable($"user \"{valid}\" changed {MaxWriteAttempts} times while this change was applied; try again");
        }
    }

    private static IReadOnlyList<UserGrant> Normalise(IReadOnlyList<UserGrant> grants)
    {
        for (var i = 0; i < grants.Count; i++)
        {
            var g = grants[i];
            if (g is null)
                throw PlatformException.InvalidArgument($"grants[{i}]: required");
            Identifiers.Validate(g.Namespace, $"grants[{i}].namespace");
            if (!Enum.IsDefined(g.Role))
                throw PlatformException.InvalidArgument($"grants[{i}].role: must be Read or ReadWrite");
        }
        var duplicate = grants.GroupBy(g => g.Namespace).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
            throw PlatformException.InvalidArgument($"grants: namespace \"{duplicate.Key}\" is granted twice");
        return Sorted(grants);
    }

    private static List<UserGrant> Sorted(IEnumerable<UserGrant> grants) => grants.OrderBy(g => g.Namespace, StringComparer.Ordinal).ToList();

    private static string ValidName(string? name, string field) => UserNames.Validate(name, field);

    private static PlatformException NotFound(string name) => PlatformException.NotFound($"user \"{name}\" not found");
}
