using Platform.Client;
using Platform.Contracts.Tasks;

namespace Platform.Cli.Commands.Tasks;

/// <summary>A process's output and exit as platformctl passes them on: <c>tasks logs</c>, <c>tasks exec</c> and <c>run</c>.</summary>
internal static class ProcessOutput
{
    /// <summary>
    /// Writes each piece as it arrives, stdout to stdout and stderr to stderr, flushing each so that a follower
    /// (or a pipe) sees lines as the process writes them.
    /// </summary>
    public static async Task CopyAsync(Invocation run, PlatformClient client, string containerId, string? execId, bool follow,
        CancellationToken cancellationToken)
    {
        await foreach (var entry in client.Tasks.StreamLogsAsync(containerId, follow, execId, run.Namespace, cancellationToken))
        {
            var target = entry.Stream == "stderr" ? run.Err : run.Out;
            await target.WriteAsync(entry.Text);
            await target.FlushAsync(cancellationToken);
        }
    }

    /// <summary>The exit status as platformctl's own exit code; 255 and a message on stderr when it is unknown.</summary>
    public static async Task<int> ExitCodeAsync(Invocation run, TaskExit exit)
    {
        if (exit.ExitStatus is { } status)
            return status is >= 0 and <= 255 ? status : ExitCodes.UnknownExitStatus;
        var what = exit.ExecId is null ? $"task {exit.ContainerId}" : $"exec process {exit.ExecId} of task {exit.ContainerId}";
        await run.Err.WriteLineAsync($"error: the exit status of {what} is unknown (its monitor ended without reporting it)");
        return ExitCodes.UnknownExitStatus;
    }
}
