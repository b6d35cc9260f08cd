using System.Diagnostics;
using Platform.Client.Registry;
using Xunit;

namespace Platform.Registry.Tests.Support;

/// <summary>
/// Debian's docker-registry (the reference distribution registry) on a free 127.0.0.1 port, storing in a temporary
/// folder, seeded by skopeo with <see cref="Seeded"/> as <c>seeded/app:v1</c>. Tests call <see cref="Require"/> first.
/// </summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public const string SeededRepository = "seeded/app";
    public const string SeededTag = "v1";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "platform-registry-" + Guid.NewGuid().ToString("N"));
    private Process? _registry;
    private string? _missing;

    public string Host { get; private set; } = "";

    internal TestImage Seeded { get; } = TestImage.Create("seeded");

    public void Require() => Tools.Require(_missing);

    public RegistryClient Client(RegistryClientOptions? options = null)
    {
        options ??= new RegistryClientOptions();
        options.PlainHttp = true;
        return new RegistryClient(Host, options);
    }

    public async ValueTask InitializeAsync()
    {
        _missing = Tools.MissingReason();
        if (_missing is not null)
            return;
        Directory.CreateDirectory(_root);
        var port = Loopback.FreePort();
        Host = $"127.0.0.1:{port}";
        var config = Path.Combine(_root, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(_root, "storage")}
            http:
              addr: {Host}
            """);
        var start = new ProcessStartInfo(Tools.RegistryBinary) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);
        _registry = Process.Start(start)!;
        // Drain its logs so a full pipe never blocks it.
        _registry.OutputDataReceived += (_, _) => { };
        _registry.ErrorDataReceived += (_, _) => { };
        _registry.BeginOutputReadLine();
        _registry.BeginErrorReadLine();
        await WaitUntilReadyAsync(port);

        var layout = Path.Combine(_root, "layout");
        Seeded.WriteLayout(layout, SeededTag);
        await Tools.SkopeoAsync("copy", "--quiet", "--dest-tls-verify=false", "--dest-no-creds",
            $"oci:{layout}:{SeededTag}", $"docker://{Host}/{SeededRepository}:{SeededTag}");
    }

    /// <summary>The manifest as skopeo reads it from the registry.</summary>
    public Task<byte[]> SkopeoRawAsync(string repository, string reference) =>
        Tools.SkopeoAsync("inspect", "--raw", "--tls-verify=false", "--no-creds", $"docker://{Host}/{repository}{(reference.StartsWith("sha256:", StringComparison.Ordinal) ? "@" : ":")}{reference}");

    private async Task WaitUntilReadyAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_registry!.HasExited)
                throw new InvalidOperationException($"docker-registry exited with {_registry.ExitCode} before answering on {Host}.");
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/v2/");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"docker-registry did not answer on {Host} within 30 s.");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_registry is { HasExited: false })
        {
            _registry.Kill();
            await _registry.WaitForExitAsync();
        }
        _registry?.Dispose();
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "real registry";
}
