using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Platform.Bench;

/// <summary>
/// Debian's docker-registry (the reference distribution registry) on a free 127.0.0.1 port, storing under a temporary
/// folder, plain HTTP; skopeo seeds and reads it. The same set-up as the registry tests' fixture.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private LocalRegistry(Process process, string folder, string host, string skopeo)
    {
        _process = process;
        _folder = folder;
        Host = host;
        Skopeo = skopeo;
    }

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Host { get; }

    public string Skopeo { get; }

    /// <summary>Starts the registry under <paramref name="folder"/>; null with the reason when it or skopeo is missing and cannot be installed.</summary>
    public static async Task<(LocalRegistry? Registry, string? Why)> StartAsync(string folder)
    {
        var (registry, registryWhy) = await Commands.EnsureAsync("docker-registry", "docker-registry");
        var (skopeo, skopeoWhy) = await Commands.EnsureAsync("skopeo", "skopeo");
        if (registry is null || skopeo is null)
            return (null, registryWhy ?? skopeoWhy);
        Directory.CreateDirectory(folder);
        var host = $"127.0.0.1:{FreePort()}";
        var config = Path.Combine(folder, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(folder, "storage")}
            http:
              addr: {host}
            """);
        var start = new ProcessStartInfo(registry) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start docker-registry");
        // Drained so a full pipe never blocks it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var daemon = new LocalRegistry(process, folder, host, skopeo);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await daemon.DisposeAsync();
                return (null, $"docker-registry exited with {process.ExitCode} before answering on {host}");
            }
            try
            {
                using var response = await http.GetAsync($"http://{host}/v2/");
                if (response.IsSuccessStatusCode)
                    return (daemon, null);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                await daemon.DisposeAsync();
                return (null, $"docker-registry did not answer on {host} within 30 s");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Pushes the image of an OCI layout (by its ref name) to <c>HOST/REPOSITORY:TAG</c>.</summary>
    public Task<CommandResult> SeedAsync(string layout, string refName, string repositoryAndTag) =>
        SkopeoAsync("copy", "--quiet", "--dest-tls-verify=false", "--dest-no-creds", $"oci:{layout}:{refName}", $"docker://{Host}/{repositoryAndTag}");

    /// <summary>skopeo with no signature policy (a loopback registry of the benchmark's own image), whole process.</summary>
    public Task<CommandResult> SkopeoAsync(params string[] arguments) =>
        Commands.RunAsync(Skopeo, ["--insecure-policy", .. arguments], TimeSpan.FromMinutes(10));

    public async ValueTask DisposeAsync()
    {
        await Commands.StopAsync(_process, TimeSpan.FromSeconds(10));
        _process.Dispose();
        Mounts.DeleteFolder(_folder);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
