using System.Net.Sockets;

namespace Platform.TaskRunner.Runtime;

/// <summary>
/// The stdio of task processes as their monitors hold it: the terminal or stdin a process was created with, a
/// connection to its monitor's attach socket (what is written to it reaches the process's stdin; what comes back is a
/// copy of its output, which is also in its log), and the terminal's size. The monitor keeps all of it across runner
/// restarts.
/// </summary>
public interface ITaskConsoles
{
    /// <summary>The process's console as it was created; null when the process has no runtime state here.</summary>
    ProcessConsole? Describe(TaskHandle task, string? execId);

    /// <summary>A new connection to the process's attach socket (SOCK_SEQPACKET). FailedPrecondition when the monitor is gone.</summary>
    Task<Socket> ConnectAsync(TaskHandle task, string? execId, CancellationToken cancellationToken);

    /// <summary>Sets the terminal's size. FailedPrecondition when the monitor is gone.</summary>
    void Resize(TaskHandle task, string? execId, int width, int height);
}
