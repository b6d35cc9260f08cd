namespace Platform.Contracts.Tasks;

/// <summary>Where a task (or an exec process) stands. Illegal transitions are FailedPrecondition naming it.</summary>
public enum TaskState
{
    /// <summary>The runtime created the process; it has not been started.</summary>
    Created = 1,

    /// <summary>The process runs.</summary>
    Running = 2,

    /// <summary>The task's processes are frozen.</summary>
    Paused = 3,

    /// <summary>The process exited; its exit is recorded and the task is being cleaned up.</summary>
    Stopped = 4,
}
