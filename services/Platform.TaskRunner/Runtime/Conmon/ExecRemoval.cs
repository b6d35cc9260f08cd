using System.Globalization;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// Ends a runner-internal exec process (a health probe) without a trace: SIGKILL to the process and everything it
/// started (a probe <c>sh -c 'sleep 10'</c> leaves its child behind when only the shell dies: the child would be
/// reparented to the container's init and live on), a moment for its monitor to record the exit, then its monitor folder,
/// attach socket folder and log go.
/// </summary>
internal sealed class ExecRemoval(ConmonLayout layout, ExitRecords exits)
{
    /// <summary>How long the killed process's monitor gets to record its exit before its folder goes regardless.</summary>
    private static readonly TimeSpan MonitorGrace = TimeSpan.FromSeconds(5);

    /// <summary>See <see cref="ITaskRuntime.RemoveExecAsync"/>.</summary>
    public async Task RemoveAsync(TaskHandle task, string execId, CancellationToken cancellationToken)
    {
        var dir = layout.ProcessDir(task, execId);
        if (Directory.Exists(dir))
        {
            if (exits.Read(task, execId) is null && StateFiles.ReadInt(Path.Combine(dir, "pid")) is { } pid)
            {
                KillTree(pid);
                using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                grace.CancelAfter(MonitorGrace);
                try
                {
                    await exits.WaitAsync(task, execId, grace.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The monitor is stuck; its folder goes anyway, and the process is dead.
                }
            }
            if (StateFiles.ReadText(Path.Combine(dir, "cuuid"))?.Trim() is { Length: > 0 } cuuid && !cuuid.Contains('/'))
                StateFiles.TryDeleteTree(Path.Combine(layout.SocketDir, cuuid));
            StateFiles.TryDeleteTree(dir);
        }
        var log = layout.LogPath(task.Namespace, task.ContainerId, execId);
        if (File.Exists(log))
            File.Delete(log);
    }

    /// <summary>
    /// Stops the process and its descendants first (so none forks or is reparented out of sight while the tree is read),
    /// then kills them all.
    /// </summary>
    private static void KillTree(int root)
    {
        var tree = new HashSet<int> { root };
        Native.Kill(root, 19); // SIGSTOP
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (pid, parent) in Processes())
                if (tree.Contains(parent) && tree.Add(pid))
                {
                    Native.Kill(pid, 19);
                    changed = true;
                }
        }
        foreach (var pid in tree)
            Native.Kill(pid, 9);
    }

    private static IEnumerable<(int Pid, int Parent)> Processes()
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(entry, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
                yield return (pid, parent);
        }
    }
}
