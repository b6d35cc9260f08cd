using System.Globalization;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// The exit records conmon keeps (<c>persist/exit</c> in each process's monitor folder, written before the monitor
/// exits), read at once or waited for through the <see cref="StateWatcher"/>.
/// </summary>
internal sealed class ExitRecords(ConmonLayout layout, StateWatcher watcher, RuntimeOptions options, TimeProvider clock)
{
    /// <summary>See <see cref="ITaskRuntime.ReadExit"/>.</summary>
    public ProcessExit? Read(TaskHandle task, string? execId)
    {
        var dir = layout.ProcessDir(task, execId);
        if (ReadRecorded(dir) is { } recorded)
            return recorded;
        if (MonitorAlive(dir))
            return null;
        // The monitor is gone; it writes its record before it exits, so a record now is the real one.
        return ReadRecorded(dir) ?? new ProcessExit(null, clock.GetUtcNow());
    }

    /// <summary>See <see cref="ITaskRuntime.WaitForExitAsync"/>.</summary>
    public async Task<ProcessExit> WaitAsync(TaskHandle task, string? execId, CancellationToken cancellationToken) =>
        await watcher.WaitAsync(layout.ProcessDir(task, execId), () => Read(task, execId) is { } exit ? (true, exit) : (false, null!),
            _ => options.ExitPollInterval, cancellationToken);

    /// <summary>Whether the process's conmon (pid in <c>conmon.pid</c> of its monitor folder) still runs.</summary>
    public static bool MonitorAlive(string dir)
    {
        if (StateFiles.ReadInt(Path.Combine(dir, "conmon.pid")) is not { } pid)
            return false;
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("conmon", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static ProcessExit? ReadRecorded(string dir)
    {
        var file = Path.Combine(dir, "persist", "exit");
        try
        {
            var text = File.ReadAllText(file).Trim();
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var status))
                return null; // empty: being written
            if (status < 0)
                status = 128 - status; // a signal number reported as its negative
            // The record's own time: when the monitor wrote it, not when the runner read it.
            return new ProcessExit(status, new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
