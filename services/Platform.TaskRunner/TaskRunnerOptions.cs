using System.ComponentModel.DataAnnotations;
using Platform.Hosting.Options;

namespace Platform.TaskRunner;

/// <summary>Configuration section <c>TaskRunner</c>.</summary>
public sealed class TaskRunnerOptions
{
    public const string Section = "TaskRunner";

    /// <summary>How long the last exit of a deleted task stays answerable by WaitTask. Default 10 minutes.</summary>
    [Duration("00:00:01", "7.00:00:00")]
    public TimeSpan ExitRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Waits and waiting log reads one user may have held at once (the services' user is not counted). Default 64.</summary>
    [Range(1, 100_000)]
    public int HeldRequestsPerUser { get; set; } = 64;

    /// <summary>Exec processes (running or exited, each with its log file) one task may have. Default 128.</summary>
    [Range(1, 100_000)]
    public int MaxExecsPerTask { get; set; } = 128;

    /// <summary>How often retained exits and the logs of long-gone tasks are pruned. Default 1 minute.</summary>
    [Duration("00:00:01", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// When a task's init process exits, how long to wait for its exec processes' monitors to record their exits
    /// (the kernel kills them with the init process) before reporting those as unknown. Default 2 seconds.
    /// </summary>
    [Duration("00:00:00", "00:01:00")]
    public TimeSpan ExecExitGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a forced DeleteTask waits for the killed task to exit and be cleaned up. Default 15 seconds.</summary>
    [Duration("00:00:01", "00:10:00")]
    public TimeSpan ForcedDeleteTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Host folders an unprivileged spec may bind-mount from (a source equal to one of them or below it, symlinks
    /// followed). Default none. The metadata service reads the same key, so CreateContainer refuses what the runner would.
    /// </summary>
    public List<string> AllowedBindSources { get; set; } = [];

    /// <summary>
    /// Where the resource GC service keeps named volumes; a task may bind-mount its own namespace's volumes from here.
    /// Default <c>{Store:DataRoot}/volumes</c>.
    /// </summary>
    public string? VolumesRoot { get; set; }

    /// <summary>
    /// The seccomp profile (docker's format) applied to every task whose spec has no <c>linux.seccomp</c>. Default
    /// <c>/usr/share/containers/seccomp.json</c> (Debian's golang-github-containers-common). When it is missing,
    /// unprivileged tasks are refused rather than run unconfined.
    /// </summary>
    [Required]
    public string SeccompProfile { get; set; } = "/usr/share/containers/seccomp.json";
}
