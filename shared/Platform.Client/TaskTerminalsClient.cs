using Platform.Contracts.Tasks;

namespace Platform.Client;

// Terminals and stdin: attach, stdin chunks, end of input, resize (run -it, tasks exec -it, tasks attach).
public sealed partial class TasksClient
{
    /// <summary>Largest stdin chunk a <see cref="WriteTaskStdin"/> carries.</summary>
    public const int MaxStdinChunk = 65536;

    /// <summary>Runs and starts an extra process whose stdin stays open for <see cref="WriteStdinAsync"/> when <paramref name="stdin"/>.</summary>
    public Task<ExecProcessResult> ExecAsync(string containerId, string execId, string processSpecJson, bool stdin, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        client.RequestAsync<ExecProcess, ExecProcessResult>(TaskQueues.Exec,
            new ExecProcess { Namespace = client.Namespace(@namespace), ContainerId = containerId, ExecId = execId, Process = processSpecJson, Stdin = stdin },
            cancellationToken);

    /// <summary>Attaches to the init process (or an exec process): whether it has a terminal and stdin, and where its log ends now.</summary>
    public Task<TaskAttachResult> AttachAsync(string containerId, string? execId = null, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        client.RequestAsync<AttachTask, TaskAttachResult>(TaskQueues.Attach,
            new AttachTask { Namespace = client.Namespace(@namespace), ContainerId = containerId, ExecId = execId }, cancellationToken);

    /// <summary>Writes one chunk of the input stream <paramref name="streamId"/> at <paramref name="offset"/>; returns the next offset.</summary>
    public async Task<long> WriteStdinAsync(string containerId, string? execId, string streamId, long offset, byte[] data,
        string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<WriteTaskStdin, TaskStdinResult>(TaskQueues.Stdin,
            new WriteTaskStdin
            {
                Namespace = client.Namespace(@namespace), ContainerId = containerId, ExecId = execId, StreamId = streamId, Offset = offset, Data = data,
            }, cancellationToken)).NextOffset;

    /// <summary>Ends the process's stdin once the stream's <paramref name="length"/> bytes were written.</summary>
    public Task<TaskStdinResult> CloseStdinAsync(string containerId, string? execId, string streamId, long length, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        client.RequestAsync<CloseTaskStdin, TaskStdinResult>(TaskQueues.CloseStdin,
            new CloseTaskStdin { Namespace = client.Namespace(@namespace), ContainerId = containerId, ExecId = execId, StreamId = streamId, Offset = length },
            cancellationToken);

    /// <summary>Sets the process's terminal size.</summary>
    public Task<ResizeTaskResult> ResizeAsync(string containerId, string? execId, int width, int height, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        client.RequestAsync<ResizeTask, ResizeTaskResult>(TaskQueues.Resize,
            new ResizeTask { Namespace = client.Namespace(@namespace), ContainerId = containerId, ExecId = execId, Width = width, Height = height },
            cancellationToken);

    /// <summary>The process's output from <paramref name="offset"/> (an <see cref="AttachAsync"/> result's log offset), as it is written, until it has exited.</summary>
    public async IAsyncEnumerable<TaskLogEntry> StreamLogsAsync(string containerId, long offset, string? execId = null, string? @namespace = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var chunk = await ReadLogsAsync(containerId, offset, HoldPerRequest, execId, 0, @namespace, cancellationToken);
            foreach (var entry in chunk.Entries)
                yield return entry;
            offset = chunk.NextOffset;
            if (chunk.Complete)
                yield break;
        }
    }
}
