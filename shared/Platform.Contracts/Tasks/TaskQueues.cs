namespace Platform.Contracts.Tasks;

/// <summary>
/// Queue names of the task runner's commands and queries (one per message type, kebab-case). Part of the wire.
/// </summary>
public static class TaskQueues
{
    /// <summary>Queue of <see cref="CreateTask"/>.</summary>
    public const string Create = "create-task";

    /// <summary>Queue of <see cref="StartTask"/>.</summary>
    public const string Start = "start-task";

    /// <summary>Queue of <see cref="KillTask"/>.</summary>
    public const string Kill = "kill-task";

    /// <summary>Queue of <see cref="DeleteTask"/>.</summary>
    public const string Delete = "delete-task";

    /// <summary>Queue of <see cref="ExecProcess"/>.</summary>
    public const string Exec = "exec-process";

    /// <summary>Queue of <see cref="PauseTask"/>.</summary>
    public const string Pause = "pause-task";

    /// <summary>Queue of <see cref="ResumeTask"/>.</summary>
    public const string Resume = "resume-task";

    /// <summary>Queue of <see cref="UpdateTask"/>.</summary>
    public const string Update = "update-task";

    /// <summary>Queue of <see cref="GetTask"/>.</summary>
    public const string Get = "get-task";

    /// <summary>Queue of <see cref="ListTasks"/>.</summary>
    public const string List = "list-tasks";

    /// <summary>Queue of <see cref="ListPids"/>.</summary>
    public const string Pids = "list-pids";

    /// <summary>Queue of <see cref="ListTaskStats"/>.</summary>
    public const string Stats = "list-task-stats";

    /// <summary>Queue of <see cref="TopTask"/>.</summary>
    public const string Top = "top-task";

    /// <summary>Queue of <see cref="CopyToTask"/>.</summary>
    public const string CopyTo = "copy-to-task";

    /// <summary>Queue of <see cref="CopyFromTask"/>.</summary>
    public const string CopyFrom = "copy-from-task";

    /// <summary>Queue of <see cref="WaitTask"/>; answers are held up to a minute, so it runs many at once.</summary>
    public const string Wait = "wait-task";

    /// <summary>Queue of <see cref="ReadTaskLogs"/>; answers may be held while following.</summary>
    public const string Logs = "read-task-logs";

    /// <summary>Queue of <see cref="AttachTask"/>.</summary>
    public const string Attach = "attach-task";

    /// <summary>Queue of <see cref="WriteTaskStdin"/>.</summary>
    public const string Stdin = "write-task-stdin";

    /// <summary>Queue of <see cref="CloseTaskStdin"/>.</summary>
    public const string CloseStdin = "close-task-stdin";

    /// <summary>Queue of <see cref="ResizeTask"/>.</summary>
    public const string Resize = "resize-task";
}
