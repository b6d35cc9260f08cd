using MassTransit;

namespace Platform.Contracts.Tasks;

/// <summary>One process of a task, as <c>/proc/&lt;pid&gt;</c> describes it.</summary>
[MessageUrn("platform:tasks:TopProcess")]
public sealed record TopProcess
{
    /// <summary>Required. Host pid.</summary>
    public required int Pid { get; init; }

    /// <summary>Optional. The pid inside the task's pid namespace; null when the kernel doesn't say.</summary>
    public int? ContainerPid { get; init; }

    /// <summary>Required. Host pid of the parent.</summary>
    public required int ParentPid { get; init; }

    /// <summary>Required. Real user id (as the host sees it).</summary>
    public required int Uid { get; init; }

    /// <summary>Optional. The user's name in the container's <c>/etc/passwd</c>; null when it has none.</summary>
    public string? User { get; init; }

    /// <summary>Required. The kernel's state letter (<c>R</c>, <c>S</c>, <c>D</c>, <c>Z</c>, <c>T</c> …).</summary>
    public required string State { get; init; }

    /// <summary>Required. CPU time used (user + system), in milliseconds.</summary>
    public required long CpuTimeMs { get; init; }

    /// <summary>Optional. When the process started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Required. Resident memory in bytes.</summary>
    public required long RssBytes { get; init; }

    /// <summary>Required. Virtual memory size in bytes.</summary>
    public required long VszBytes { get; init; }

    /// <summary>Required. The executable's name (<c>comm</c>, at most 15 characters).</summary>
    public required string Command { get; init; }

    /// <summary>Required (empty for kernel threads and zombies). The command line.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];
}
