using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>A task: the running process made from a container. Its id is the container id.</summary>
[MessageUrn("platform:tasks:TaskInfo")]
public sealed record TaskInfo
{
    /// <summary>Required. The namespace of the task and its container.</summary>
    public required string Namespace { get; init; }

    /// <summary>Required. The container this task runs (the task's id).</summary>
    public required string ContainerId { get; init; }

    /// <summary>Required. Host pid of the init process.</summary>
    public required int Pid { get; init; }

    /// <summary>Required. Created, Running, Paused or Stopped.</summary>
    public required TaskState Status { get; init; }

    /// <summary>Required. The runtime that runs it (<c>runc</c>, <c>crun</c>).</summary>
    public required string Runtime { get; init; }

    /// <summary>Optional. The snapshotter of the rootfs snapshot the task references; null for a plain rootfs folder.</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Optional. The snapshot key the task references.</summary>
    public string? SnapshotKey { get; init; }

    /// <summary>Required. When the task was created; also the generation of its snapshot reference.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Optional. When it was started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Optional. Set once stopped: exit code, or 128 + signal; null while running or when unknown.</summary>
    public int? ExitStatus { get; init; }

    /// <summary>Optional. When the init process exited.</summary>
    public DateTimeOffset? ExitedAt { get; init; }

    /// <summary>Stopped tasks only: the cgroup's OOM killer killed a process of the task.</summary>
    public bool OomKilled { get; init; }

    /// <summary>Required (may be empty). Exec processes of the task.</summary>
    public IReadOnlyList<ExecProcessInfo> Execs { get; init; } = [];

    /// <summary>Optional. The cgroup limits the task runs with now (in GetTask and UpdateTask replies); null when not known.</summary>
    public TaskResources? Resources { get; init; }

    /// <summary>Optional. Its health when its container has a health check; null otherwise.</summary>
    public TaskHealth? Health { get; init; }

    /// <summary>Optional (0 when absent). How many times the container's restart policy restarted this task since a user last started it.</summary>
    public int RestartCount { get; init; }

    /// <summary>Optional. The network the task joined through CNI (live tasks in GetTask/ListTasks); null for none or host.</summary>
    public string? Network { get; init; }

    /// <summary>Optional. The task's IPv4 address on <see cref="Network"/>.</summary>
    public string? IpAddress { get; init; }

    /// <summary>Optional (empty when absent). Its ports published on the host.</summary>
    public IReadOnlyList<PublishedPort> Ports { get; init; } = [];
}
