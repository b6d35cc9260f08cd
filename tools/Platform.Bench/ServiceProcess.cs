using System.Diagnostics;

namespace Platform.Bench;

/// <summary>
/// platformd started as its own process (so its memory is its own), on a temporary data root and a unique
/// queue prefix; peak memory is read from the kernel (VmHWM), not estimated.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _busUri;

    private ServiceProcess(Process process, string busUri, string dataRoot, string prefix)
    {
        _process = process;
        _busUri = busUri;
        DataRoot = dataRoot;
        Prefix = prefix;
    }

    public string DataRoot { get; }

    public string Prefix { get; }

    public int Pid => _process.Id;

    /// <summary>A fresh temporary data root for <see cref="Start"/>, for a caller that fills it before the service starts.</summary>
    public static string NewDataRoot() => Path.Combine(Path.GetTempPath(), "platform-bench", Guid.NewGuid().ToString("N"));

    /// <param name="settings">Extra configuration as environment variables (<c>Section__Key</c>).</param>
    /// <param name="dataRoot">A data root prepared beforehand (deleted on dispose); default a new empty one.</param>
    /// <param name="prefix">The queue prefix; default a unique one. Empty only on a virtual host of the benchmark's own.</param>
    public static ServiceProcess Start(string dll, string busUri, IReadOnlyDictionary<string, string>? settings = null, string? dataRoot = null,
        string? prefix = null)
    {
        prefix ??= $"bench{Guid.NewGuid():N}"[..13] + "-";
        dataRoot ??= NewDataRoot();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Bus__Uri"] = busUri;
        start.Environment["Bus__EndpointPrefix"] = prefix;
        start.Environment["Store__DataRoot"] = dataRoot;
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {dll}");
        process.OutputDataReceived += (_, e) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.Contains(" ERR ", StringComparison.Ordinal))
                Console.Error.WriteLine("platformd: " + line);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(process, busUri, dataRoot, prefix);
    }

    /// <summary>Peak resident memory of the service so far, in MiB.</summary>
    public double PeakMemoryMiB() => PeakMemoryMiB(Pid);

    /// <summary>
    /// Starts the peak over from the current resident size (<c>echo 5 &gt; /proc/PID/clear_refs</c>), so the next
    /// <see cref="PeakMemoryMiB()"/> is the peak of what runs in between. False when the kernel refuses.
    /// </summary>
    public bool ResetPeakMemory()
    {
        try
        {
            File.WriteAllText($"/proc/{Pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Resident memory of the service now (VmRSS), in MiB.</summary>
    public double ResidentMemoryMiB() => StatusMiB(Pid, "VmRSS:");

    /// <summary>Peak resident memory (VmHWM) of process <paramref name="pid"/>, in MiB.</summary>
    public static double PeakMemoryMiB(int pid) => StatusMiB(pid, "VmHWM:");

    private static double StatusMiB(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        return double.NaN;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        await DeleteQueuesAsync();
        try
        {
            Directory.Delete(DataRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Deletes the queues platformd declared under this run's prefix, with their exchanges. Left behind, the durable
    /// resource-gc-events queue keeps receiving every container event anyone publishes on the broker, with nobody
    /// to consume it (MACHINE-NOTES: one such queue once held 481,002 messages).
    /// </summary>
    private async Task DeleteQueuesAsync()
    {
        try
        {
            await Platform.Testing.BrokerCleanup.DeleteQueuesAsync(new Uri(_busUri), Prefix);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"# could not delete the queues of prefix {Prefix}: {e.Message}");
        }
    }
}
