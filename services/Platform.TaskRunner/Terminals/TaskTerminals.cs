using Platform.Common.Errors;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks;

namespace Platform.TaskRunner.Terminals;

/// <summary>
/// AttachTask, WriteTaskStdin, CloseTaskStdin and ResizeTask: a live process's terminal and stdin, through its monitor
/// (<see cref="ITaskConsoles"/>). Output is not carried here: clients follow the process's log (ReadTaskLogs), which the
/// monitor writes as the output comes, terminal output included.
/// </summary>
public sealed class TaskTerminals(ITaskStore store, ITaskRuntime runtime, ITaskConsoles consoles, AttachConnections connections)
{
    private const int MaxStreamId = 64;

    /// <summary>Largest <see cref="WriteTaskStdin.Data"/> (its contract's rule; the client's chunks are this size).</summary>
    private const int MaxChunk = 65536;
    private const int MaxTerminalSide = 65535;

    public async Task<TaskAttachResult> AttachAsync(AttachTask request, CancellationToken cancellationToken)
    {
        var (task, execId, console) = await LiveProcessAsync(request.Namespace, request.ContainerId, request.ExecId, cancellationToken);
        // Connecting now, before the client starts the task: from here on the process's stdin has a writer.
        if (console.Stdin)
            await connections.GetAsync(task, execId, cancellationToken);
        var log = new FileInfo(runtime.LogPath(task.Namespace, task.ContainerId, execId));
        return new TaskAttachResult { Terminal = console.Terminal, Stdin = console.Stdin, LogOffset = log.Exists ? log.Length : 0 };
    }

    public async Task<TaskStdinResult> WriteAsync(WriteTaskStdin request, CancellationToken cancellationToken)
    {
        var stream = ValidStream(request.StreamId, request.Offset);
        if (request.Data is not { Length: > 0 and <= MaxChunk } data)
            throw PlatformException.InvalidArgument($"data is required: 1 to {MaxChunk} bytes (got {request.Data?.Length ?? 0})");
        var (task, execId, console) = await LiveProcessAsync(request.Namespace, request.ContainerId, request.ExecId, cancellationToken);
        if (!console.Stdin)
            throw PlatformException.FailedPrecondition($"the stdin of {What(task, execId)} is not open: run it with -i");
        var connection = await connections.GetAsync(task, execId, cancellationToken);
        return new TaskStdinResult { NextOffset = await connection.WriteAsync(stream, request.Offset, data, What(task, execId), cancellationToken) };
    }

    public async Task<TaskStdinResult> CloseAsync(CloseTaskStdin request, CancellationToken cancellationToken)
    {
        var stream = ValidStream(request.StreamId, request.Offset);
        var (task, execId, console) = await LiveProcessAsync(request.Namespace, request.ContainerId, request.ExecId, cancellationToken);
        if (!console.Stdin)
            throw PlatformException.FailedPrecondition($"the stdin of {What(task, execId)} is not open: run it with -i");
        // On a terminal the end of input is the terminal's (Ctrl-D), and its input must stay open for the next attach.
        if (console.Terminal)
            return new TaskStdinResult { NextOffset = request.Offset };
        var connection = await connections.GetAsync(task, execId, cancellationToken);
        return new TaskStdinResult { NextOffset = await connection.CloseAsync(stream, request.Offset, What(task, execId), cancellationToken) };
    }

    public async Task<ResizeTaskResult> ResizeAsync(ResizeTask request, CancellationToken cancellationToken)
    {
        if (request.Width is < 1 or > MaxTerminalSide)
            throw PlatformException.InvalidArgument($"width must be from 1 to {MaxTerminalSide} columns (got {request.Width})");
        if (request.Height is < 1 or > MaxTerminalSide)
            throw PlatformException.InvalidArgument($"height must be from 1 to {MaxTerminalSide} rows (got {request.Height})");
        var (task, execId, console) = await LiveProcessAsync(request.Namespace, request.ContainerId, request.ExecId, cancellationToken);
        if (!console.Terminal)
            throw PlatformException.FailedPrecondition($"{What(task, execId)} has no terminal to resize: run it with -t");
        consoles.Resize(task, execId, request.Width, request.Height);
        return new ResizeTaskResult { Width = request.Width, Height = request.Height };
    }

    /// <summary>The process, which must exist here and not have exited.</summary>
    private async Task<(TaskHandle Task, string? ExecId, ProcessConsole Console)> LiveProcessAsync(string? @namespace, string? containerId,
        string? execId, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(@namespace, containerId);
        execId = string.IsNullOrEmpty(execId) ? null : execId;
        if (execId is not null)
            TaskRules.ValidateExecId(execId);
        var record = await store.GetRequiredAsync(ns, id, cancellationToken);
        if (execId is not null && record.Execs.All(e => e.ExecId != execId))
            throw TaskRules.ExecNotFound(ns, id, execId);
        if (execId is null && record.Status is not (TaskState.Created or TaskState.Running or TaskState.Paused))
            throw TaskRules.Illegal(record, "attach to");
        var task = TaskRules.Handle(record);
        if (runtime.ReadExit(task, execId) is not null)
            throw PlatformException.FailedPrecondition($"{What(task, execId)} has exited");
        var console = consoles.Describe(task, execId)
            ?? throw PlatformException.FailedPrecondition($"{What(task, execId)} has no runtime state here");
        return (task, execId, console);
    }

    private static string ValidStream(string? streamId, long offset)
    {
        if (string.IsNullOrEmpty(streamId) || streamId.Length > MaxStreamId)
            throw PlatformException.InvalidArgument($"streamId is required: 1 to {MaxStreamId} characters (got {streamId?.Length ?? 0})");
        if (offset < 0)
            throw PlatformException.InvalidArgument($"offset must not be negative (got {offset})");
        return streamId;
    }

    private static string What(TaskHandle task, string? execId) =>
        execId is null ? $"task {task.Namespace}/{task.ContainerId}" : $"exec {execId} of task {task.Namespace}/{task.ContainerId}";
}
