using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// The processes' log files, <c>logs/&lt;ns&gt;/&lt;id&gt;/init.log</c> and <c>exec-&lt;execId&gt;.log</c>, which conmon
/// appends to. They outlive their task (a late reader still gets its output) until <see cref="Remove"/>.
/// </summary>
internal sealed class TaskLogFiles(ConmonLayout layout)
{
    public string PathOf(string @namespace, string containerId, string? execId) => layout.LogPath(@namespace, containerId, execId);

    /// <summary>An empty log file for a new process; made here, it is 0600 rather than conmon's 0640.</summary>
    public string Prepare(string @namespace, string containerId, string? execId)
    {
        var log = layout.LogPath(@namespace, containerId, execId);
        PrivateFiles.CreateFolder(Path.GetDirectoryName(log)!);
        File.Delete(log);
        PrivateFiles.CreateFile(log);
        return log;
    }

    /// <summary>See <see cref="ITaskRuntime.RemoveLogs"/>.</summary>
    public void Remove(string @namespace, string containerId)
    {
        var dir = Path.GetDirectoryName(layout.LogPath(@namespace, containerId, null))!;
        StateFiles.TryDeleteTree(dir);
        StateFiles.TryDeleteEmpty(Path.GetDirectoryName(dir)!);
    }

    /// <summary>See <see cref="ITaskRuntime.ListLogs"/>.</summary>
    public IReadOnlyList<(string Namespace, string ContainerId, DateTimeOffset LastWritten)> List()
    {
        var found = new List<(string, string, DateTimeOffset)>();
        if (!Directory.Exists(layout.LogsDir))
            return found;
        foreach (var ns in Directory.EnumerateDirectories(layout.LogsDir))
        foreach (var container in Directory.EnumerateDirectories(ns))
        {
            var newest = Directory.EnumerateFiles(container).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(Directory.GetLastWriteTimeUtc(container)).Max();
            found.Add((Path.GetFileName(ns), Path.GetFileName(container), new DateTimeOffset(newest, TimeSpan.Zero)));
        }
        return found;
    }
}
