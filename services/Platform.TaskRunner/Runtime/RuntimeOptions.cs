using System.ComponentModel.DataAnnotations;

namespace Platform.TaskRunner.Runtime;

/// <summary>Configuration section <c>TaskRunner:Runtime</c>: where and with which binaries tasks run.</summary>
public sealed class RuntimeOptions
{
    public const string Section = "TaskRunner:Runtime";

    /// <summary>
    /// Folder holding every task's bundle, monitor state, runtime state and logs. Default <c>{DataRoot}/tasks</c>
    /// (<c>DataRoot</c> from the <c>Store</c> section, default <c>/var/lib/platform</c>). Keep it short: conmon's
    /// attach sockets live under it and a unix socket path must stay under 108 characters.
    /// </summary>
    public string? Root { get; set; }

    /// <summary>Path of the conmon binary. Default: the first of <c>/usr/bin/conmon</c> and <c>/usr/libexec/podman/conmon</c> that exists.</summary>
    public string? Conmon { get; set; }

    /// <summary>
    /// OCI runtime binaries by runtime name (<c>runc</c>, <c>crun</c>); an entry here replaces the detected one. Default:
    /// <c>runc</c> → the first of <c>/usr/sbin/runc</c> and <c>/usr/bin/runc</c> that exists; <c>crun</c> → <c>/usr/bin/crun</c> when it exists.
    /// </summary>
    public Dictionary<string, string> Runtimes { get; set; } = [];

    /// <summary>Largest size of one process's log file in bytes, passed to conmon as <c>--log-size-max</c>. Default 100 MiB.</summary>
    [Range(4096, long.MaxValue)]
    public long LogSizeMax { get; set; } = 100L * 1024 * 1024;

    /// <summary>How often a wait for an exit re-reads the exit record besides file-system notifications. Default 500 ms.</summary>
    public TimeSpan ExitPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait for the runtime to create a container or an exec process. Default 30 s.</summary>
    public TimeSpan CreateTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
