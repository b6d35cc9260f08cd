using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Hosting.Security;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// Requests the runner holds on purpose (a wait, a log read that waits for output) counted per user, so one user
/// can't take every held slot of the runner (<see cref="TaskRunnerServiceExtensions.HeldRequestLimit"/> per queue)
/// and leave everyone else's waits queued. The services' own user is not counted.
/// </summary>
public sealed class HeldRequests(IOptions<TaskRunnerOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _held = new(StringComparer.Ordinal);

    /// <summary>Takes one of the caller's slots until the returned handle is disposed; ResourceExhausted when none is left.</summary>
    public IDisposable Enter(Caller caller, string action)
    {
        if (caller.IsService)
            return Slot.None;
        var limit = options.Value.HeldRequestsPerUser;
        var now = _held.AddOrUpdate(caller.User, 1, (_, n) => n + 1);
        if (now > limit)
        {
            Leave(caller.User);
            throw PlatformException.ResourceExhausted(
                $"user \"{caller.User}\" already holds {limit} waiting requests (waits and log reads that wait), the limit (TaskRunner:HeldRequestsPerUser); {action} again once one ends");
        }
        return new Slot(this, caller.User);
    }

    private void Leave(string user)
    {
        while (true)
        {
            var n = _held.GetValueOrDefault(user);
            if (n <= 1 ? _held.TryRemove(new KeyValuePair<string, int>(user, n)) : _held.TryUpdate(user, n - 1, n))
                return;
        }
    }

    private sealed class Slot(HeldRequests? owner, string user) : IDisposable
    {
        public static readonly IDisposable None = new Slot(null, "");
        private int _disposed;

        public void Dispose()
        {
            if (owner is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.Leave(user);
        }
    }
}
