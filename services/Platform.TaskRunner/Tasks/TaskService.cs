using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Contracts.Containers;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Policy;
using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks;

/// <summary>
/// The task use cases behind the consumers. Runtime changes and the record that describes them happen under the
/// task's lock (<see cref="TaskLocks"/>), each record write with its event. Exits are reported by
/// <see cref="HandleExitAsync"/>, called by <see cref="ExitWatch"/> whenever a monitor records one.
/// </summary>
public sealed class TaskService(
    ITaskStore store,
    ITaskRuntime runtime,
    PlatformClient platform,
    TaskReferences references,
    TaskPolicy policy,
    TaskLocks locks,
    ExitSignals signals,
    ExitWatch watch,
    TimeProvider clock,
    IOptions<TaskRunnerOptions> options,
    ILogger<TaskService> logger)
{
    private static readonly string HoldQueue = Contracts.QueueNames.Of<HoldContainer>();

    /// <param name="privileged">The caller holds a privileged grant in the namespace: the runtime policy is lifted.</param>
    public async Task<TaskInfo> CreateAsync(CreateTask request, bool privileged, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        using (await locks.LockAsync(ns, id, cancellationToken))
        {
            if (await store.GetAsync(ns, id, cancellationToken) is { } existing)
                throw PlatformException.AlreadyExists($"container {id} already has a task in namespace {ns} (it is {TaskRules.Name(existing.Status)})");

            // The hold (taken under this lock, which a deletion's CheckTaskHold waits for) and the read are one step at the
            // metadata service: a deletion either committed first (NotFound here) or will see the hold and ask (invariant 4).
            var createdAt = clock.GetUtcNow();
            var container = (await platform.RequestAsync<HoldContainer, HoldContainerResult>(HoldQueue,
                new HoldContainer { Namespace = ns, Id = id, Generation = createdAt.UtcTicks }, cancellationToken)).Container;
            var runtimeName = container.Runtime.Name; // the runtime refuses names it doesn't have, naming those it has
            // Before anything is referenced or mounted: a refused spec leaves nothing to undo.
            var admitted = policy.AdmitTask(ns, id, container.Spec, container.SnapshotKey is not null, privileged);
            var task = new TaskRecord
            {
                Namespace = ns,
                ContainerId = id,
                Runtime = runtimeName,
                Status = TaskState.Created,
                Pid = 0,
                Snapshotter = container.SnapshotKey is null ? null : container.Snapshotter,
                SnapshotKey = container.SnapshotKey,
                CreatedAt = createdAt,
                Privileged = admitted.Privileged,
                Version = 1,
            };
            var handle = Handle(task);

            // The reference is taken before anything is mounted, so no collection can take the rootfs between mounting
            // and committing; the mounts are only read meanwhile (one round trip saved on every create).
            var mountsRead = container.SnapshotKey is null
                ? Task.FromResult<IReadOnlyList<Contracts.Resources.Mount>?>(null)
                : ReadMountsAsync(container.SnapshotKey, container.Snapshotter, ns, cancellationToken);
            try
            {
                await references.AddAsync(task, cancellationToken);
            }
            catch
            {
                await mountsRead.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                throw;
            }
            try
            {
                var mounts = await mountsRead;
                var pid = await runtime.CreateAsync(new TaskLaunch(handle, admitted.SpecJson, mounts), cancellationToken);
                task = task with { Pid = pid };
                try
                {
                    await store.CreateAsync(task, seq => new TaskCreated
                    {
                        EventId = Guid.NewGuid(), Timestamp = task.CreatedAt, Namespace = ns, Sequence = seq,
                        ContainerId = id, Pid = pid, Runtime = runtimeName, SnapshotKey = task.SnapshotKey, Privileged = task.Privileged,
                    }, cancellationToken);
                }
                catch
                {
                    await runtime.CleanupAsync(handle, CancellationToken.None);
                    throw;
                }
            }
            catch
            {
                await references.ReleaseAsync(task, CancellationToken.None);
                throw;
            }

            watch.Watch(handle, null);
            logger.LogInformation("Task {Namespace}/{ContainerId} created with pid {Pid} ({Runtime})", ns, id, task.Pid, runtimeName);
            return TaskRules.ToInfo(task);
        }
    }

    /// <summary>
    /// Whether the container has a task, for the metadata service deleting a container that a task holds; forced, the
    /// task is killed and deleted first. A create in progress holds the task's lock from its hold on the container to its
    /// commit: waiting for the lock makes the answer cover it.
    /// </summary>
    public async Task<TaskInfo?> CheckHoldAsync(CheckTaskHold request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        TaskRecord? task;
        using (await locks.LockAsync(ns, id, cancellationToken))
            task = await store.GetAsync(ns, id, cancellationToken);
        if (task is null)
            return null;
        if (!request.Force)
            return TaskRules.ToInfo(task);
        try
        {
            await DeleteAsync(new DeleteTask { Namespace = ns, ContainerId = id, Force = true }, cancellationToken);
        }
        catch (PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound)
        {
            // It exited and was deleted meanwhile.
        }
        return null;
    }

    private async Task<IReadOnlyList<Contracts.Resources.Mount>?> ReadMountsAsync(string key, string? snapshotter, string ns, CancellationToken cancellationToken) =>
        (await platform.Snapshots.MountsAsync(key, snapshotter, ns, cancellationToken)).Mounts;

    public async Task<TaskInfo> StartAsync(StartTask request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        using (await locks.LockAsync(ns, id, cancellationToken))
        {
            var task = await GetRecordAsync(ns, id, cancellationToken);
            if (task.Status != TaskState.Created)
                throw TaskRules.Illegal(task, "start");
            await runtime.StartAsync(Handle(task), cancellationToken);
            var started = task with { Status = TaskState.Running, StartedAt = clock.GetUtcNow(), Version = task.Version + 1 };
            await WriteAsync(started, task.Version, seq => new TaskStarted
            {
                EventId = Guid.NewGuid(), Timestamp = started.StartedAt!.Value, Namespace = ns, Sequence = seq, ContainerId = id, Pid = task.Pid,
                Privileged = task.Privileged,
            }, cancellationToken);
            logger.LogDebug("Task {Namespace}/{ContainerId} started", ns, id);
            return TaskRules.ToInfo(started);
        }
    }

    public async Task<TaskInfo> KillAsync(KillTask request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        var signal = TaskRules.Signal(request.Signal);
        var task = await GetRecordAsync(ns, id, cancellationToken);
        if (!string.IsNullOrEmpty(request.ExecId))
        {
            var exec = task.Execs.FirstOrDefault(e => e.ExecId == request.ExecId) ?? throw TaskRules.ExecNotFound(ns, id, request.ExecId);
            if (exec.Status != TaskState.Running)
                throw PlatformException.FailedPrecondition($"cannot signal exec process {exec.ExecId} of container {id}: it is {TaskRules.Name(exec.Status)}");
            await runtime.KillExecAsync(Handle(task), exec.ExecId, signal, cancellationToken);
            return TaskRules.ToInfo(task);
        }
        if (task.Status == TaskState.Stopped)
            throw TaskRules.Illegal(task, "signal");
        await runtime.KillAsync(Handle(task), signal, request.All, cancellationToken);
        return TaskRules.ToInfo(task);
    }

    public async Task<DeleteTaskResult> DeleteAsync(DeleteTask request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        var task = await GetRecordAsync(ns, id, cancellationToken);
        if (task.Status == TaskState.Created)
        {
            using (await locks.LockAsync(ns, id, cancellationToken))
            {
                task = await GetRecordAsync(ns, id, cancellationToken);
                if (task.Status == TaskState.Created)
                {
                    // Never started: nothing ran, so there is no exit to report, only the deletion.
                    await CleanupLockedAsync(task, cancellationToken);
                    return new DeleteTaskResult { Task = TaskRules.ToInfo(task) };
                }
            }
        }
        if (task.Status is TaskState.Running or TaskState.Paused)
        {
            if (!request.Force)
                throw PlatformException.FailedPrecondition(
                    $"the task of container {id} is {TaskRules.Name(task.Status)}; kill it first, or delete with force");
            var handle = Handle(task);
            await runtime.KillAsync(handle, 9, all: true, cancellationToken);
            if (task.Status == TaskState.Paused)
                await runtime.ResumeAsync(handle, cancellationToken); // a frozen process only dies once thawed
        }

        // Running, paused (now killed) or stopped: the exit path reports the exit and deletes the task.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.ForcedDeleteTimeout);
        try
        {
            while (await store.GetAsync(ns, id, deadline.Token) is { } current && current.CreatedAt == task.CreatedAt)
            {
                var exited = signals.Next(ns, id, null);
                await Task.WhenAny(exited, Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token));
            }
            signals.Wake(ns, id, null); // the task is gone: no exit will come to free the wake-up taken last
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw PlatformException.Unavailable($"the task of container {id} was killed but has not exited within {options.Value.ForcedDeleteTimeout.TotalSeconds:0} s");
        }
        var exit = await store.GetExitAsync(ns, id, null, cancellationToken);
        return new DeleteTaskResult { Task = TaskRules.ToInfo(task), Exit = exit is null ? null : TaskRules.ToExit(exit) };
    }

    /// <param name="privileged">The caller holds a privileged grant in the namespace: the runtime policy is lifted.</param>
    public async Task<ExecProcessResult> ExecAsync(ExecProcess request, bool privileged, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        TaskRules.ValidateExecId(request.ExecId);
        var execId = request.ExecId!;
        if (string.IsNullOrWhiteSpace(request.Process))
            throw PlatformException.InvalidArgument("process is required: an OCI process spec (JSON object with args)");
        using (await locks.LockAsync(ns, id, cancellationToken))
        {
            var task = await GetRecordAsync(ns, id, cancellationToken);
            if (task.Status != TaskState.Running)
                throw TaskRules.Illegal(task, "exec in");
            if (task.Execs.Any(e => e.ExecId == execId))
                throw PlatformException.AlreadyExists($"task of container {id} already has an exec process {execId}");
            if (task.Execs.Count >= options.Value.MaxExecsPerTask)
                throw PlatformException.ResourceExhausted(
                    $"task of container {id} has {task.Execs.Count} exec processes (running or exited, each with its log), the limit (TaskRunner:MaxExecsPerTask); delete and start the task again for more");
            policy.AdmitExec(ns, id, execId, request.Process!, task.Privileged, privileged);
            var handle = Handle(task);
            var pid = await runtime.ExecAsync(handle, execId, request.Process, cancellationToken);
            var exec = new ExecRecord { ExecId = execId, Pid = pid, Status = TaskState.Running };
            var updated = task with { Execs = [.. task.Execs, exec], Version = task.Version + 1 };
            await WriteAsync(updated, task.Version, seq => new TaskExecStarted
            {
                EventId = Guid.NewGuid(), Timestamp = clock.GetUtcNow(), Namespace = ns, Sequence = seq, ContainerId = id, ExecId = execId, Pid = pid,
            }, cancellationToken);
            watch.Watch(handle, execId);
            return new ExecProcessResult { ContainerId = id, ExecId = execId, Pid = pid };
        }
    }

    public Task<TaskInfo> PauseAsync(PauseTask request, CancellationToken cancellationToken) =>
        FreezeAsync(request.Namespace, request.ContainerId, pause: true, cancellationToken);

    public Task<TaskInfo> ResumeAsync(ResumeTask request, CancellationToken cancellationToken) =>
        FreezeAsync(request.Namespace, request.ContainerId, pause: false, cancellationToken);

    private async Task<TaskInfo> FreezeAsync(string? @namespace, string? containerId, bool pause, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(@namespace, containerId);
        using (await locks.LockAsync(ns, id, cancellationToken))
        {
            var task = await GetRecordAsync(ns, id, cancellationToken);
            if (task.Status != (pause ? TaskState.Running : TaskState.Paused))
                throw TaskRules.Illegal(task, pause ? "pause" : "resume");
            if (pause)
                await runtime.PauseAsync(Handle(task), cancellationToken);
            else
                await runtime.ResumeAsync(Handle(task), cancellationToken);
            var updated = task with { Status = pause ? TaskState.Paused : TaskState.Running, Version = task.Version + 1 };
            var now = clock.GetUtcNow();
            await WriteAsync(updated, task.Version, seq => pause
                ? new TaskPaused { EventId = Guid.NewGuid(), Timestamp = now, Namespace = ns, Sequence = seq, ContainerId = id }
                : new TaskResumed { EventId = Guid.NewGuid(), Timestamp = now, Namespace = ns, Sequence = seq, ContainerId = id }, cancellationToken);
            return TaskRules.ToInfo(updated);
        }
    }

    public async Task<TaskInfo> GetAsync(GetTask request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        return TaskRules.ToInfo(await GetRecordAsync(ns, id, cancellationToken));
    }

    public async Task<IReadOnlyList<TaskInfo>> ListAsync(ListTasks request, CancellationToken cancellationToken)
    {
        var ns = TaskRules.NamespaceOf(request.Namespace);
        var filters = FilterSet.Parse(request.Filters);
        var tasks = await store.ListAsync(ns, cancellationToken);
        return tasks.Where(t => filters.Match(new TaskFields(t))).Select(TaskRules.ToInfo).ToList();
    }

    public async Task<IReadOnlyList<ProcessInfo>> ListPidsAsync(ListPids request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        var task = await GetRecordAsync(ns, id, cancellationToken);
        if (task.Status == TaskState.Stopped)
            throw TaskRules.Illegal(task, "list the processes of");
        var pids = await runtime.ListPidsAsync(Handle(task), cancellationToken);
        var execs = task.Execs.Where(e => e.Status == TaskState.Running).ToDictionary(e => e.Pid, e => e.ExecId);
        return pids.Select(p => new ProcessInfo { Pid = p, ExecId = execs.GetValueOrDefault(p) }).ToList();
    }

    public async Task<WaitTaskResult> WaitAsync(WaitTask request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        if (!string.IsNullOrEmpty(request.ExecId))
            TaskRules.ValidateExecId(request.ExecId);
        if (request.WaitSeconds is < 0 or > TaskRules.MaxWaitSeconds)
            throw PlatformException.InvalidArgument($"waitSeconds must be from 0 to {TaskRules.MaxWaitSeconds} (got {request.WaitSeconds})");
        var execId = string.IsNullOrEmpty(request.ExecId) ? null : request.ExecId;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(request.WaitSeconds));
        while (true)
        {
            // Take the wake-up before reading, so an exit recorded in between is not missed.
            var next = signals.Next(ns, id, execId);
            TaskExit? exit;
            try
            {
                exit = await ExitedAsync(ns, id, execId, cancellationToken);
            }
            catch (PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound)
            {
                signals.Wake(ns, id, execId);
                throw;
            }
            if (exit is not null)
            {
                signals.Wake(ns, id, execId);
                return new WaitTaskResult { Exited = true, Exit = exit };
            }
            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new WaitTaskResult { Exited = false };
            }
        }
    }

    /// <summary>The exit of a process when it has exited; null while it runs; NotFound when nothing is known of it.</summary>
    private async Task<TaskExit?> ExitedAsync(string ns, string id, string? execId, CancellationToken cancellationToken)
    {
        var task = await store.GetAsync(ns, id, cancellationToken);
        if (task is not null)
        {
            if (execId is null)
            {
                if (task.Status != TaskState.Stopped)
                    return null;
                return new TaskExit { ContainerId = id, Pid = task.Pid, ExitStatus = task.ExitStatus, ExitedAt = task.ExitedAt ?? clock.GetUtcNow() };
            }
            if (task.Execs.FirstOrDefault(e => e.ExecId == execId) is { } exec)
            {
                return exec.Status != TaskState.Stopped
                    ? null
                    : new TaskExit { ContainerId = id, ExecId = execId, Pid = exec.Pid, ExitStatus = exec.ExitStatus, ExitedAt = exec.ExitedAt ?? clock.GetUtcNow() };
            }
        }
        var retained = await store.GetExitAsync(ns, id, execId, cancellationToken);
        if (retained is not null)
            return TaskRules.ToExit(retained);
        throw execId is null ? TaskRules.NotFound(ns, id) : TaskRules.ExecNotFound(ns, id, execId);
    }

    public async Task<TaskLogsResult> ReadLogsAsync(ReadTaskLogs request, CancellationToken cancellationToken)
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
            await Task.WhenAny(exitSignal, Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken));
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
            return await ExitedAsync(ns, id, execId, cancellationToken) is not null;
        }
        catch (PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound && File.Exists(logPath))
        {
            return true;
        }
    }

    /// <summary>
    /// Reports a process's exit once: an exec process's exit, or the init process's (after any exec exits, which come
    /// first), then cleans the task up and deletes it. Called by the exit watch and by reconciliation; a second call for
    /// the same exit finds it recorded and does nothing more than finish an interrupted cleanup.
    /// </summary>
    public async Task HandleExitAsync(TaskHandle handle, string? execId, ProcessExit exit, CancellationToken cancellationToken)
    {
        var (ns, id) = (handle.Namespace, handle.ContainerId);
        using (await locks.LockAsync(ns, id, cancellationToken))
        {
            var task = await store.GetAsync(ns, id, cancellationToken);
            if (task is null)
                return;
            if (execId is not null)
            {
                var exec = task.Execs.FirstOrDefault(e => e.ExecId == execId);
                if (exec is not null && exec.Status != TaskState.Stopped)
                    await RecordExecExitAsync(task, exec, exit, cancellationToken);
                return;
            }

            if (task.Status is TaskState.Running or TaskState.Paused)
            {
                foreach (var exec in task.Execs.Where(e => e.Status != TaskState.Stopped).ToList())
                    task = await RecordExecExitAsync(task, exec, await ExecExitAsync(handle, exec.ExecId, cancellationToken), cancellationToken);
                task = await RecordInitExitAsync(task, exit, cancellationToken);
            }
            // A task killed before it was started never ran: no TaskExited, only the deletion below.
            await CleanupLockedAsync(task, cancellationToken);
        }
    }

    /// <summary>An exec process dies with the init process; give its monitor a moment to record how, else say unknown.</summary>
    private async Task<ProcessExit> ExecExitAsync(TaskHandle handle, string execId, CancellationToken cancellationToken)
    {
        if (runtime.ReadExit(handle, execId) is { } recorded)
            return recorded;
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(options.Value.ExecExitGrace);
        try
        {
            return await runtime.WaitForExitAsync(handle, execId, grace.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProcessExit(null, clock.GetUtcNow());
        }
    }

    private async Task<TaskRecord> RecordExecExitAsync(TaskRecord task, ExecRecord exec, ProcessExit exit, CancellationToken cancellationToken)
    {
        var stopped = exec with { Status = TaskState.Stopped, ExitStatus = exit.ExitStatus, ExitedAt = exit.ExitedAt };
        var updated = task with { Execs = task.Execs.Select(e => e.ExecId == exec.ExecId ? stopped : e).ToList(), Version = task.Version + 1 };
        var record = new ExitRecord(task.Namespace, task.ContainerId, exec.ExecId, exec.Pid, exit.ExitStatus, exit.ExitedAt);
        await RecordAsync(updated, task.Version, record, cancellationToken);
        logger.LogInformation("Exec process {ExecId} of task {Namespace}/{ContainerId} exited with {ExitStatus}",
            exec.ExecId, task.Namespace, task.ContainerId, exit.ExitStatus?.ToString() ?? "unknown status");
        signals.Wake(task.Namespace, record.ContainerId, record.ExecId);
        return updated;
    }

    private async Task<TaskRecord> RecordInitExitAsync(TaskRecord task, ProcessExit exit, CancellationToken cancellationToken)
    {
        var updated = task with { Status = TaskState.Stopped, ExitStatus = exit.ExitStatus, ExitedAt = exit.ExitedAt, Version = task.Version + 1 };
        var record = new ExitRecord(task.Namespace, task.ContainerId, null, task.Pid, exit.ExitStatus, exit.ExitedAt);
        await RecordAsync(updated, task.Version, record, cancellationToken);
        logger.LogInformation("Task {Namespace}/{ContainerId} exited with {ExitStatus}",
            task.Namespace, task.ContainerId, exit.ExitStatus?.ToString() ?? "unknown status");
        signals.Wake(task.Namespace, record.ContainerId, record.ExecId);
        return updated;
    }

    private async Task RecordAsync(TaskRecord updated, long expectedVersion, ExitRecord exit, CancellationToken cancellationToken)
    {
        var written = await store.RecordExitAsync(updated, expectedVersion, exit, seq => new TaskExited
        {
            EventId = Guid.NewGuid(), Timestamp = clock.GetUtcNow(), Namespace = updated.Namespace, Sequence = seq,
            ContainerId = updated.ContainerId, ExecId = exit.ExecId, Pid = exit.Pid, ExitStatus = exit.ExitStatus, ExitedAt = exit.ExitedAt,
        }, cancellationToken);
        if (!written)
            throw ChangedUnderLock(updated);
    }

    /// <summary>Runtime state and bundle, then the snapshot reference, then the record with TaskDeleted. Caller holds the lock.</summary>
    private async Task CleanupLockedAsync(TaskRecord task, CancellationToken cancellationToken)
    {
        watch.Forget(Handle(task));
        await runtime.CleanupAsync(Handle(task), cancellationToken);
        await references.ReleaseAsync(task, cancellationToken);
        var deleted = await store.DeleteAsync(task.Namespace, task.ContainerId, task.Version, seq => new TaskDeleted
        {
            EventId = Guid.NewGuid(), Timestamp = clock.GetUtcNow(), Namespace = task.Namespace, Sequence = seq,
            ContainerId = task.ContainerId, Pid = task.Pid, ExitStatus = task.ExitStatus, ExitedAt = task.ExitedAt, CreatedAt = task.CreatedAt,
        }, cancellationToken);
        if (!deleted)
            throw ChangedUnderLock(task);
        logger.LogDebug("Task {Namespace}/{ContainerId} deleted", task.Namespace, task.ContainerId);
    }

    private async Task WriteAsync(TaskRecord updated, long expectedVersion, Hosting.Outbox.EventFactory makeEvent, CancellationToken cancellationToken)
    {
        if (!await store.UpdateAsync(updated, expectedVersion, makeEvent, cancellationToken))
            throw ChangedUnderLock(updated);
    }

    // Every writer of a task holds its lock, so a version mismatch means another process wrote the store: a bug, not a race.
    private static InvalidOperationException ChangedUnderLock(TaskRecord task) =>
        new($"task {task.Namespace}/{task.ContainerId} changed while its lock was held");

    private async Task<TaskRecord> GetRecordAsync(string ns, string id, CancellationToken cancellationToken) =>
        await store.GetAsync(ns, id, cancellationToken) ?? throw TaskRules.NotFound(ns, id);

    internal static TaskHandle Handle(TaskRecord task) => new(task.Namespace, task.ContainerId, task.Runtime);
}
