using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Platform.TaskRunner.Tasks.Restarts;

/// <summary>
/// The pending restarts' timers, on <see cref="TimeProvider"/>: at most one per container, replaced when scheduled again,
/// dropped when cancelled. A timer that fires puts its container on <see cref="Due"/>, which the
/// <see cref="RestartWorker"/> reads. Only a hint: what is due is decided again from the store when it is read.
/// </summary>
public sealed class RestartSchedule(TimeProvider clock) : IDisposable
{
    private readonly ConcurrentDictionary<(string, string), ITimer> _timers = new();
    private readonly Channel<(string Namespace, string ContainerId)> _due = Channel.CreateUnbounded<(string, string)>();

    /// <summary>Containers whose restart is due, in the order their timers fired.</summary>
    public ChannelReader<(string Namespace, string ContainerId)> Due => _due.Reader;

    /// <summary>How many restarts are waiting for their time (for tests).</summary>
    public int Pending => _timers.Count;

    /// <summary>Makes the container's restart due at <paramref name="at"/> (now, if that has passed), replacing any earlier timer.</summary>
    public void Schedule(string @namespace, string containerId, DateTimeOffset at)
    {
        var key = (@namespace, containerId);
        var delay = at - clock.GetUtcNow();
        ITimer? timer = null;
        timer = clock.CreateTimer(_ =>
        {
            // Only the current timer of the container may fire it: a replaced one was disposed, but may already be running.
            if (_timers.TryRemove(new KeyValuePair<(string, string), ITimer>(key, timer!)))
            {
                timer!.Dispose();
                _due.Writer.TryWrite(key);
            }
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        // Callers hold the task's lock (or are the single worker): no two schedules of one container race here.
        var earlier = _timers.GetValueOrDefault(key);
        _timers[key] = timer;
        earlier?.Dispose();
        timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Drops the container's pending restart, if any; true when there was one.</summary>
    public bool Cancel(string @namespace, string containerId)
    {
        if (!_timers.TryRemove((@namespace, containerId), out var timer))
            return false;
        timer.Dispose();
        return true;
    }

    public void Dispose()
    {
        foreach (var key in _timers.Keys)
            Cancel(key.Item1, key.Item2);
        _due.Writer.TryComplete();
    }
}
