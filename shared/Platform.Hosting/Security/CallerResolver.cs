using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Platform.Client;
using Platform.Contracts.Users;
using Platform.Hosting.Options;

namespace Platform.Hosting.Security;

/// <summary>
/// Turns a broker user into a <see cref="Caller"/>: the services' own user, a configured administrator, or a user
/// whose grants the directory holds, cached for <see cref="SecurityOptions.GrantCacheTtl"/> so a burst of messages
/// costs one lookup. A grant change therefore reaches every service within that time.
/// </summary>
public sealed class CallerResolver(IOptions<BusOptions> bus, IOptions<SecurityOptions> security, IUserDirectory directory, TimeProvider time)
{
    private readonly string _serviceUser = BusIdentity.UserOf(bus.Value.Uri);
    private readonly ConcurrentDictionary<string, (Task<Caller> Caller, long Expires)> _cache = new(StringComparer.Ordinal);

    // Most messages a service consumes come from the services themselves: one answer serves them all.
    private readonly Task<Caller> _service = Task.FromResult(new Caller { User = BusIdentity.UserOf(bus.Value.Uri), IsService = true });

    public string ServiceUser => _serviceUser;

    public Task<Caller> ResolveAsync(string user, CancellationToken cancellationToken)
    {
        if (user == _serviceUser)
            return _service;
        if (security.Value.Admins.Contains(user, StringComparer.Ordinal))
            return Task.FromResult(new Caller { User = user, IsAdmin = true });

        var now = time.GetTimestamp();
        if (_cache.TryGetValue(user, out var cached) && now < cached.Expires && !cached.Caller.IsFaulted)
            return cached.Caller;
        var lookup = LookUpAsync(user, cancellationToken);
        _cache[user] = (lookup, now + (long)(security.Value.GrantCacheTtl.TotalSeconds * time.TimestampFrequency));
        return lookup;
    }

    /// <summary>Drops what this process cached about <paramref name="user"/>: a grant change shows at once here (elsewhere within the TTL).</summary>
    public void Forget(string user) => _cache.TryRemove(user, out _);

    private async Task<Caller> LookUpAsync(string user, CancellationToken cancellationToken)
    {
        var found = await directory.FindAsync(user, cancellationToken);
        return found is null
            ? new Caller { User = user }
            : new Caller
            {
                User = user,
                IsAdmin = found.Admin,
                Grants = found.Grants.ToDictionary(g => g.Namespace, StringComparer.Ordinal),
            };
    }
}
