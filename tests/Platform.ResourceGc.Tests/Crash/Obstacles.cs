using System.Diagnostics;

namespace Platform.ResourceGc.Tests.Crash;

/// <summary>
/// Makes folders undeletable for a while, as a busy mount or an immutable file does in real life: an immutable
/// file (<c>chattr +i</c>, on filesystems that have the attribute) or else a bind mount inside the folder. Disposing
/// removes whatever is left, so a failed test never leaves an undeletable data root behind.
/// </summary>
internal sealed class Obstacles : IAsyncDisposable
{
    private readonly List<Func<Task>> _undo = [];

    public string How { get; private set; } = "none";

    public async Task PinAsync(string folder)
    {
        var file = Path.Combine(folder, "pinned");
        await File.WriteAllTextAsync(file, "cannot be unlinked");
        if (await RunAsync("chattr", "+i", file) == 0)
        {
            How = "chattr +i";
            _undo.Add(async () => await RunAsync("chattr", "-i", file));
            return;
        }
        var target = Path.Combine(folder, "mounted");
        var source = Directory.CreateTempSubdirectory("platform-obstacle-").FullName;
        Directory.CreateDirectory(target);
        if (await RunAsync("mount", "--bind", source, target) != 0)
            throw new InvalidOperationException("neither chattr +i nor a bind mount works here: run the test as root on ext4 or similar");
        How = "bind mount";
        _undo.Add(async () =>
        {
            await RunAsync("umount", target);
            Directory.Delete(source, recursive: true);
        });
    }

    public async Task RemoveAllAsync()
    {
        foreach (var undo in _undo)
            await undo();
        _undo.Clear();
    }

    public async ValueTask DisposeAsync() => await RemoveAllAsync();

    private static async Task<int> RunAsync(string file, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
