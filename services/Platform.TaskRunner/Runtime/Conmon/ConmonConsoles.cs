using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Platform.Common.Errors;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// <see cref="ITaskConsoles"/> through conmon (2.1.6, checked against its source and by hand): <c>-t</c> makes conmon
/// receive the terminal's master from runc's console socket, <c>-i</c> keeps the process's stdin open. conmon's
/// attach socket is <c>&lt;-b folder&gt;/attach</c>, reached through the short symlink <c>s/&lt;cuuid&gt;</c>: what a client
/// writes goes to stdin; a client's half-close (shutdown SHUT_WR) closes a non-terminal stdin unless
/// <c>--leave-stdin-open</c>. The terminal's size goes through the <c>ctl</c> fifo in the same folder as
/// <c>"1 HEIGHT WIDTH\n"</c>. Each process gets its own <c>-b</c> folder (the bundle for the init process, its monitor
/// folder for an exec), since conmon replaces whatever <c>attach</c>/<c>ctl</c> it finds there.
/// </summary>
internal sealed class ConmonConsoles(ConmonLayout layout) : ITaskConsoles
{
    private const string RecordFile = "console";
    private const int ResizeEvent = 1;

    /// <summary>conmon's options for <paramref name="console"/>. A terminal's input must outlive one attach connection
    /// (the runner's restart drops it), and its end of input is Ctrl-D on the terminal, so it is left open.</summary>
    public static IReadOnlyList<string> Args(ProcessConsole console) =>
        (console.Terminal, console.Stdin) switch
        {
            (true, true) => ["-t", "-i", "--leave-stdin-open"],
            (true, false) => ["-t"],
            (false, true) => ["-i"],
            _ => [],
        };

    /// <summary>Writes down how the process in monitor folder <paramref name="dir"/> is created, before its monitor starts.</summary>
    public static Task RecordAsync(string dir, ProcessConsole console, CancellationToken cancellationToken) =>
        PrivateFiles.WriteAllTextAsync(Path.Combine(dir, RecordFile), $"{(console.Terminal ? 1 : 0)} {(console.Stdin ? 1 : 0)}", cancellationToken);

    /// <summary>conmon's <c>-b</c> folder of a process (see the class summary).</summary>
    public string ConsoleDir(TaskHandle task, string? execId) =>
        execId is null ? layout.BundleDir(task.Namespace, task.ContainerId) : layout.ProcessDir(task, execId);

    public ProcessConsole? Describe(TaskHandle task, string? execId)
    {
        var dir = layout.ProcessDir(task, execId);
        if (!Directory.Exists(dir))
            return null;
        // Tasks created before consoles existed have no record: plain pipes, no stdin.
        var text = StateFiles.ReadText(Path.Combine(dir, RecordFile))?.Trim() ?? "0 0";
        var parts = text.Split(' ');
        return new ProcessConsole(parts[0] == "1", parts.Length > 1 && parts[1] == "1");
    }

    public async Task<Socket> ConnectAsync(TaskHandle task, string? execId, CancellationToken cancellationToken)
    {
        var dir = layout.ProcessDir(task, execId);
        var cuuid = StateFiles.ReadText(Path.Combine(dir, "cuuid"))?.Trim();
        if (string.IsNullOrEmpty(cuuid) || !ExitRecords.MonitorAlive(dir))
            throw PlatformException.FailedPrecondition($"the monitor of {What(task, execId)} is gone; nothing to attach to");
        // Through conmon's short symlink s/<cuuid>: a socket's path must fit sun_path (107 bytes and the terminating NUL).
        var path = Path.Combine(layout.SocketDir, cuuid, "attach");
        if (System.Text.Encoding.UTF8.GetByteCount(path) > 107)
            throw PlatformException.FailedPrecondition($"cannot attach to {What(task, execId)}: its socket path {path} is longer than a Unix socket allows (107 bytes); give the runtime a shorter root");
        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw PlatformException.FailedPrecondition($"cannot attach to {What(task, execId)}: {e.Message}");
        }
    }

    public void Resize(TaskHandle task, string? execId, int width, int height)
    {
        var fifo = Path.Combine(ConsoleDir(task, execId), "ctl");
        // Non-blocking: a fifo nobody reads (a monitor that is gone) must fail at once, not hang the consumer.
        var fd = Open(fifo, OWronly | ONonblock | OCloexec);
        if (fd < 0)
            throw PlatformException.FailedPrecondition($"cannot resize the terminal of {What(task, execId)}: its monitor is gone (errno {Marshal.GetLastPInvokeError()})");
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        using var stream = new FileStream(handle, FileAccess.Write, 1);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{ResizeEvent} {height} {width}\n")));
    }

    private static string What(TaskHandle task, string? execId) =>
        execId is null ? $"task {task.Namespace}/{task.ContainerId}" : $"exec {execId} of task {task.Namespace}/{task.ContainerId}";

    private const int OWronly = 1;
    private const int ONonblock = 0x800;
    private const int OCloexec = 0x80000;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}
