using Platform.TaskRunner.Runtime;

namespace Platform.TaskRunner.Terminals;

/// <summary>The runner's open <see cref="AttachConnection"/>s, one per process, made on first need.</summary>
public sealed class AttachConnections(ITaskConsoles consoles) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, AttachConnection> _open = new(StringComparer.Ordinal);

    public async Task<AttachConnection> GetAsync(TaskHandle task, string? execId, CancellationToken cancellationToken)
    {
        var key = $"{task.Namespace}/{task.ContainerId}/{execId}";
        await _lock.WaitAsync(cancellationToken);
        try
        {
            lock (_open)
            {
                if (_open.TryGetValue(key, out var open) && open.Alive)
                    return open;
            }
            var socket = await consoles.ConnectAsync(task, execId, cancellationToken);
            var connection = new AttachConnection(socket, ended => Forget(key, ended));
            lock (_open)
                _open[key] = connection;
            return connection;
        }
        finally
        {
            _lock.Release();
        }
    }

    private void Forget(string key, AttachConnection ended)
    {
        lock (_open)
        {
            if (_open.TryGetValue(key, out var current) && ReferenceEquals(current, ended))
                _open.Remove(key);
        }
        ended.Dispose();
    }

    public void Dispose()
    {
        lock (_open)
        {
            foreach (var connection in _open.Values)
                connection.Dispose();
            _open.Clear();
        }
    }
}
