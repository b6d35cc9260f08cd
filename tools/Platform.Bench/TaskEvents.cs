using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Contracts;
using Platform.Contracts.Tasks;

namespace Platform.Bench;

/// <summary>When each task event of the namespace arrived, by type and container id.</summary>
public sealed class TaskEvents(string @namespace)
{
    private readonly ConcurrentDictionary<(Type, string), TaskCompletionSource<long>> _arrived = new();

    public Task Seen(IPlatformEvent e)
    {
        var now = Stopwatch.GetTimestamp();
        var id = e switch
        {
            TaskStarted s => s.ContainerId,
            TaskExited x when x.ExecId is null => x.ContainerId,
            TaskDeleted d => d.ContainerId,
            _ => null,
        };
        if (id is not null && e.Namespace == @namespace)
            Slot(e.GetType(), id).TrySetResult(now);
        return Task.CompletedTask;
    }

    public Task<long> Of<T>(string containerId) => Slot(typeof(T), containerId).Task.WaitAsync(TimeSpan.FromSeconds(60));

    private TaskCompletionSource<long> Slot(Type type, string id) =>
        _arrived.GetOrAdd((type, id), _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
}
