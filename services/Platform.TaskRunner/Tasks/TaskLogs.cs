using Platform.Common.Errors;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// ReadTaskLogs: whole lines of a process's log from an offset, waiting (up to the request's time) for output when
/// there is none yet, and saying when the log is complete (the process ended and everything it wrote was read).
/// </summary>
public sealed class TaskLogs(ITaskRuntime runtime, TaskExits exits, ExitSignals signals, TimeProvider clock)
{
    public async Task<TaskLogsResult> ReadAsync(ReadTaskLogs request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        var execId = string.IsNullOrEmpty(request.ExecId) ? null : request.ExecId;
        if (execId is not null)
            TaskRules.ValidateExecId(execId);
        if (request.Offset < 0)
            throw PlatformException.InvalidArgument($"offset must not be negative (got {request.Offset})");
        if (request.MaxBytes is < 0 or > TaskRules.MaxLogBytes)
            throw PlatformException.InvalidArgument($"maxBytes must be from 0 to {TaskRules.MaxLogBytes} (got {request.MaxBytes})");
        if (request.WaitSeconds is < 0 or > TaskRules.MaxLogWaitSeconds)
            throw PlatformException.InvalidArgument($"waitSeconds must be from 0 to {TaskRules.MaxLogWaitSeconds} (got {request.WaitSeconds})");

        var path = runtime.LogPath(ns, id, execId);
        var maxBytes = request.MaxBytes == 0 ? TaskRules.DefaultLogBytes : request.MaxBytes;
        var until = clock.GetUtcNow() + TimeSpan.FromSeconds(request.WaitSeconds);
        while (true)
        {
            // The exit wake-up is taken before reading, so an exit recorded in between is not missed; whether it had
            // exited is read before the log: everything written before the exit is then in the file.
            var exitSignal = signals.Next(ns, id, execId);
            bool exited;
            try
            {
                exited = await ProcessEndedAsync(ns, id, execId, path, cancellationToken);
            }
            catch (PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound)
            {
                signals.Wake(ns, id, execId);
                throw;
            }
            if (exited)
                signals.Wake(ns, id, execId);
            var (entries, next) = TaskLogReader.Read(path, request.Offset, maxBytes);
            if (entries.Count > 0 || exited || clock.GetUtcNow() >= until)
            {
                var complete = exited && entries.Count == 0 && next == request.Offset;
                if (exited && entries.Count > 0)
                    complete = TaskLogReader.Read(path, next, 1).Entries.Count == 0;
                return new TaskLogsResult { Entries = entries, NextOffset = next, Complete = complete };
            }
            await WaitForOutputOrExitAsync(path, exitSignal, until, cancellationToken);
        }
    }

    /// <summary>
    /// Waits until the log file changes size, the process's exit is recorded, the follow's time is up, or a quarter
    /// second has passed (then the store is asked again, for ends no exit signal reports, such as a deletion). A
    /// follower costs a file-size check every 20 ms, not a store read.
    /// </summary>
    private async Task WaitForOutputOrExitAsync(string path, Task exitSignal, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var length = LengthOf(path);
        var recheck = clock.GetUtcNow() + TimeSpan.FromMilliseconds(250);
        while (!exitSignal.IsCompleted && LengthOf(path) == length)
        {
            var now = clock.GetUtcNow();
            if (now >= until || now >= recheck)
                return;
            await Task.WhenAny(exitSignal, Task.Delay(TimeSpan.FromMilliseconds(20), clock, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }

        static long LengthOf(string file)
        {
            try
            {
                return new FileInfo(file).Length;
            }
            catch (IOException)
            {
                return -1;
            }
        }
    }

    /// <summary>Whether the process has ended: it exited, or its task is gone and only its log is left.</summary>
    private async Task<bool> ProcessEndedAsync(string ns, string id, string? execId, string logPath, CancellationToken cancellationToken)
    {
        try
        {
            return await exits.FindAsync(ns, id, execId, cancellationToken) is not null;
        }
        catch (PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound && File.Exists(logPath))
        {
            return true;
        }
    }
}
