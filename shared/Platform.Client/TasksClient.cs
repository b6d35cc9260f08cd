using System.Runtime.CompilerServices;
using Platform.Contracts.Tasks;

namespace Platform.Client;

/// <summary>Tasks: the running processes made from containers. Calls without a namespace use the client's.</summary>
public sealed partial class TasksClient(PlatformClient client)
{
    /// <summary>How long one WaitTask or ReadTaskLogs request may be held by the runner before the client asks again.</summary>
    public static readonly TimeSpan HoldPerRequest = TimeSpan.FromSeconds(20);

    public async Task<TaskInfo> CreateAsync(string containerId, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<CreateTask, TaskResult>(TaskQueues.Create,
            new CreateTask { Namespace = client.Namespace(@namespace), ContainerId = containerId }, cancellationToken)).Task;

    public async Task<TaskInfo> StartAsync(string containerId, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<StartTask, TaskResult>(TaskQueues.Start,
            new StartTask { Namespace = client.Namespace(@namespace), ContainerId = containerId }, cancellationToken)).Task;

    /// <summary>Sends <paramref name="signal"/> (default SIGTERM) to the init process, one exec process, or all processes.</summary>
    public async Task<TaskInfo> KillAsync(string containerId, int signal = 15, bool all = false, string? execId = null,
        string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<KillTask, TaskResult>(TaskQueues.Kill,
            new KillTask { Namespace = client.Namespace(@namespace), ContainerId = containerId, Signal = signal, All = all, ExecId = execId },
            cancellationToken)).Task;

    /// <summary>Deletes a created or stopped task; <paramref name="force"/> kills a live one first.</summary>
    public Task<DeleteTaskResult> DeleteAsync(string containerId, bool force = false, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        client.RequestAsync<DeleteTask, DeleteTaskResult>(TaskQueues.Delete,
            new DeleteTask { Namespace = client.Namespace(@namespace), ContainerId = containerId, Force = force }, cancellationToken);

    /// <summary>Runs and starts an extra process; <paramref name="processSpecJson"/> is an OCI process object.</summary>
    public Task<ExecProcessResult> ExecAsync(string containerId, string execId, string processSpecJson, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        client.RequestAsync<ExecProcess, ExecProcessResult>(TaskQueues.Exec,
            new ExecProcess { Namespace = client.Namespace(@namespace), ContainerId = containerId, ExecId = execId, Process = processSpecJson },
            cancellationToken);

    /// <summary>Changes a live task's cgroup limits; the reply's task carries the limits now in force.</summary>
    public async Task<TaskInfo> UpdateAsync(string containerId, TaskResources resources, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<UpdateTask, TaskResult>(TaskQueues.Update,
            new UpdateTask { Namespace = client.Namespace(@namespace), ContainerId = containerId, Resources = resources }, cancellationToken)).Task;

    public async Task<TaskInfo> PauseAsync(string containerId, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<PauseTask, TaskResult>(TaskQueues.Pause,
            new PauseTask { Namespace = client.Namespace(@namespace), ContainerId = containerId }, cancellationToken)).Task;

    public async Task<TaskInfo> ResumeAsync(string containerId, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<ResumeTask, TaskResult>(TaskQueues.Resume,
            new ResumeTask { Namespace = client.Namespace(@namespace), ContainerId = containerId }, cancellationToken)).Task;

    public async Task<TaskInfo> GetAsync(string containerId, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<GetTask, TaskResult>(TaskQueues.Get,
            new GetTask { Namespace = client.Namespace(@namespace), ContainerId = containerId }, cancellationToken)).Task;

    /// <summary>The live task, or else its last run as a stopped task while its exit is retained (<see cref="GetTask.IncludeStopped"/>).</summary>
    public async Task<TaskInfo> GetLastAsync(string containerId, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<GetTask, TaskResult>(TaskQueues.Get,
            new GetTask { Namespace = client.Namespace(@namespace), ContainerId = containerId, IncludeStopped = true }, cancellationToken)).Task;

    public async Task<IReadOnlyList<TaskInfo>> ListAsync(IReadOnlyList<string>? filters = null, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<ListTasks, ListTasksResult>(TaskQueues.List,
            new ListTasks { Namespace = client.Namespace(@namespace), Filters = filters ?? [] }, cancellationToken)).Tasks;

    public async Task<IReadOnlyList<ProcessInfo>> ListPidsAsync(string containerId, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<ListPids, ListPidsResult>(TaskQueues.Pids,
            new ListPids { Namespace = client.Namespace(@namespace), ContainerId = containerId }, cancellationToken)).Processes;

    /// <summary>One sample of the named tasks' resource usage (none named: the running and paused ones, or every one with <paramref name="all"/>).</summary>
    public async Task<IReadOnlyList<TaskStats>> StatsAsync(IReadOnlyList<string>? containerIds = null, bool all = false, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<ListTaskStats, ListTaskStatsResult>(TaskQueues.Stats,
            new ListTaskStats { Namespace = client.Namespace(@namespace), ContainerIds = containerIds ?? [], All = all }, cancellationToken)).Stats;

    /// <summary>The processes of a live task as <c>ps</c> would describe them.</summary>
    public async Task<IReadOnlyList<TopProcess>> TopAsync(string containerId, string? @namespace = null, CancellationToken cancellationToken = default) =>
        (await client.RequestAsync<TopTask, TopTaskResult>(TaskQueues.Top,
            new TopTask { Namespace = client.Namespace(@namespace), ContainerId = containerId }, cancellationToken)).Processes;

    /// <summary>
    /// Sends a tar stream in chunks to be unpacked at <paramref name="path"/> in the container (docker cp's rules: see
    /// <see cref="CopyToTask"/>); <paramref name="sourceName"/> is the archive's top entry, null for a folder's contents.
    /// </summary>
    public async Task CopyToAsync(string containerId, Stream tar, string path, string? sourceName, bool sourceIsDirectory,
        string? @namespace = null, CancellationToken cancellationToken = default)
    {
        var upload = Guid.NewGuid();
        var buffer = new byte[CopyChunks.MaxBytes];
        long sent = 0;
        while (true)
        {
            var read = await tar.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            var last = read < buffer.Length;
            await client.RequestAsync<CopyToTask, CopyToTaskResult>(TaskQueues.CopyTo, new CopyToTask
            {
                Namespace = client.Namespace(@namespace), ContainerId = containerId, UploadId = upload, Offset = sent,
                Data = buffer.AsSpan(0, read).ToArray(), Complete = last, Path = last ? path : null,
                SourceName = last ? sourceName : null, SourceIsDirectory = last && sourceIsDirectory,
            }, cancellationToken);
            sent += read;
            if (last)
                return;
        }
    }

    /// <summary>Writes a tar stream of <paramref name="path"/> in the container to <paramref name="output"/>; returns its top entry's name and kind.</summary>
    public async Task<(string Name, bool IsDirectory)> CopyFromAsync(string containerId, string path, Stream output, string? @namespace = null,
        CancellationToken cancellationToken = default)
    {
        Guid? download = null;
        long offset = 0;
        while (true)
        {
            var chunk = await client.RequestAsync<CopyFromTask, CopyFromTaskResult>(TaskQueues.CopyFrom, new CopyFromTask
            {
                Namespace = client.Namespace(@namespace), ContainerId = containerId, Path = path, DownloadId = download, Offset = offset,
            }, cancellationToken);
            await output.WriteAsync(chunk.Data, cancellationToken);
            download = chunk.DownloadId;
            offset += chunk.Data.Length;
            if (chunk.Complete)
                return (chunk.Name, chunk.IsDirectory);
        }
    }

    /// <summary>Asks once, holding the answer up to <paramref name="hold"/> (zero: answer at once).</summary>
    public Task<WaitTaskResult> WaitOnceAsync(string containerId, TimeSpan hold, string? execId = null, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        client.RequestAsync<WaitTask, WaitTaskResult>(TaskQueues.Wait,
            new WaitTask { Namespace = client.Namespace(@namespace), ContainerId = containerId, ExecId = execId, WaitSeconds = (int)hold.TotalSeconds },
            hold, cancellationToken);

    /// <summary>Waits until the process exits (asking again every <see cref="HoldPerRequest"/>) and returns how it ended.</summary>
    public async Task<TaskExit> WaitAsync(string containerId, string? execId = null, string? @namespace = null,
        CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var result = await WaitOnceAsync(containerId, HoldPerRequest, execId, @namespace, cancellationToken);
            if (result.Exited)
                return result.Exit!;
        }
    }

    /// <summary>One chunk of a process's output from <paramref name="offset"/>, held up to <paramref name="hold"/> for new output.</summary>
    public Task<TaskLogsResult> ReadLogsAsync(string containerId, long offset, TimeSpan hold = default, string? execId = null,
        int maxBytes = 0, string? @namespace = null, CancellationToken cancellationToken = default) =>
        client.RequestAsync<ReadTaskLogs, TaskLogsResult>(TaskQueues.Logs,
            new ReadTaskLogs
            {
                Namespace = client.Namespace(@namespace), ContainerId = containerId, ExecId = execId, Offset = offset,
                MaxBytes = maxBytes, WaitSeconds = (int)hold.TotalSeconds,
            }, hold, cancellationToken);

    /// <summary>
    /// The process's output as it is written: everything so far, then new output as it comes (with
    /// <paramref name="follow"/>) until the process has exited and all it wrote was returned.
    /// </summary>
    public async IAsyncEnumerable<TaskLogEntry> StreamLogsAsync(string containerId, bool follow, string? execId = null,
        string? @namespace = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long offset = 0;
        while (true)
        {
            var chunk = await ReadLogsAsync(containerId, offset, follow ? HoldPerRequest : TimeSpan.Zero, execId, 0, @namespace, cancellationToken);
            foreach (var entry in chunk.Entries)
                yield return entry;
            var atEnd = chunk.NextOffset == offset;
            offset = chunk.NextOffset;
            if (chunk.Complete || (!follow && atEnd))
                yield break;
        }
    }
}
