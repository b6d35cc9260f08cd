using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Tasks;

namespace Platform.Cli.Terminal;

/// <summary>
/// One attach of platformctl to a task process, for <c>run -i/-t</c>, <c>tasks exec -i/-t</c> and <c>tasks attach</c>:
/// the process's output from its log as it comes (the runner writes terminal output there too), platformctl's stdin to
/// the process in ordered chunks, platformctl's terminal raw and its size followed while the process has a terminal,
/// until the process exits or the user types the detach keys.
/// </summary>
internal sealed class TerminalSession(Invocation run, PlatformClient client, string containerId, string? execId)
{
    public enum Outcome
    {
        /// <summary>The process exited and all its output was written.</summary>
        Exited,

        /// <summary>The user typed the detach keys: the process runs on.</summary>
        Detached,
    }

    /// <summary>
    /// Runs the attach. <paramref name="start"/> (the task's start, for <c>run</c>) is called once the terminal's size
    /// is set and the runner holds the process's stdin. <paramref name="sendStdin"/>: pass stdin on (the process must
    /// have it open); <paramref name="detachKeys"/>: null where detaching makes no sense.
    /// </summary>
    public async Task<Outcome> RunAsync(TaskAttachResult attach, bool sendStdin, DetachKeys? detachKeys, long fromOffset,
        Func<Task>? start, CancellationToken cancellationToken)
    {
        var stdin = new StdinReader(run.In);
        // Raw only when the user's keys go to the task's terminal: then the task's terminal echoes and edits.
        using var raw = attach.Terminal && sendStdin && stdin.IsConsole ? RawTerminal.Enter() : null;
        await using var resizer = attach.Terminal ? new TerminalResizer(client, containerId, execId, run.Namespace) : null;
        if (resizer is not null)
            await resizer.SendNowAsync();
        if (start is not null)
            await start();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var output = CopyOutputAsync(fromOffset, stop.Token);
        var input = sendStdin ? PumpAsync(stdin, attach.Terminal, detachKeys, stop.Token) : Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => false, TaskScheduler.Default);
        var first = await Task.WhenAny(output, input);
        if (first == input && await input)
        {
            await stop.CancelAsync();
            await output.ContinueWith(_ => { }, TaskScheduler.Default);
            return Outcome.Detached;
        }
        await output;
        await stop.CancelAsync();
        await input.ContinueWith(_ => { }, TaskScheduler.Default);
        return Outcome.Exited;
    }

    /// <summary>The process's output from <paramref name="offset"/> until it has exited and all of it was read.</summary>
    private async Task CopyOutputAsync(long offset, CancellationToken cancellationToken)
    {
        await foreach (var entry in client.Tasks.StreamLogsAsync(containerId, offset, execId, run.Namespace, cancellationToken))
        {
            var target = entry.Stream == "stderr" ? run.Err : run.Out;
            await target.WriteAsync(entry.Text);
            await target.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Sends stdin until its end (then closes the process's stdin) or the detach keys (true).</summary>
    private async Task<bool> PumpAsync(StdinReader stdin, bool terminal, DetachKeys? detachKeys, CancellationToken cancellationToken)
    {
        var stream = Guid.NewGuid().ToString("N");
        long offset = 0;
        var pass = new List<byte>();
        while (true)
        {
            var read = await stdin.ReadAsync(cancellationToken);
            if (read.Length == 0)
                break;
            pass.Clear();
            var detached = false;
            if (detachKeys is not null)
                detached = detachKeys.Scan(read, pass);
            else
                pass.AddRange(read);
            for (var at = 0; at < pass.Count; at += TasksClient.MaxStdinChunk)
            {
                var chunk = pass.GetRange(at, Math.Min(TasksClient.MaxStdinChunk, pass.Count - at)).ToArray();
                if (!await WriteAsync(stream, offset, chunk, cancellationToken))
                    return false;
                offset += chunk.Length;
            }
            if (detached)
                return true;
        }
        // End of input: a pipe's end reaches the process (cat exits); a terminal's end of input is its own Ctrl-D.
        if (!terminal)
        {
            try
            {
                await client.Tasks.CloseStdinAsync(containerId, execId, stream, offset, run.Namespace, cancellationToken);
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.FailedPrecondition)
            {
                // Exited already.
            }
        }
        await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        return false;
    }

    /// <summary>False when the process no longer takes input (it exited): the output's end then ends the attach.</summary>
    private async Task<bool> WriteAsync(string stream, long offset, byte[] chunk, CancellationToken cancellationToken)
    {
        try
        {
            await client.Tasks.WriteStdinAsync(containerId, execId, stream, offset, chunk, run.Namespace, cancellationToken);
            return true;
        }
        catch (PlatformException e) when (e.Kind is ErrorKind.FailedPrecondition or ErrorKind.NotFound)
        {
            return false;
        }
    }
}
