using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Platform.Testing.Registries;

/// <summary>
/// Debian's docker-registry (the reference distribution registry) on a free 127.0.0.1 port, storing in a temporary folder;
/// optionally behind htpasswd Basic authentication (<see cref="User"/> / <see cref="Password"/>). Seeded with skopeo from
/// OCI layouts. Start it with <see cref="StartAsync"/>; tests call <see cref="Require"/> first.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    public const string User = "tester";
    public const string Password = "s3cret";

    // bcrypt of Password at cost 4 (made once with crypt(3)): the registry checks it on every request, so keep it cheap.
    private const string HtpasswdLine = User + ":$2b$04$I0XBBP6.ygpFLspDDcyWBeGfXcs5JmKyn.5Norrouk2z5Xa9h/fCK";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "platform-registry-" + Guid.NewGuid().ToString("N"));
    private Process? _registry;

    private LocalRegistry(string? missing) => MissingReason = missing;

    /// <summary>Why the registry can't run here (null when it runs).</summary>
    public string? MissingReason { get; }

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Host { get; private set; } = "";

    public int Port { get; private set; }

    public bool RequiresAuth { get; private set; }

    /// <summary>Fails under CI, skips elsewhere, when docker-registry or skopeo is missing.</summary>
    public void Require() => RegistryTools.Require(MissingReason);

    /// <summary>Starts a registry (or, when the tools are missing, returns one whose <see cref="Require"/> reports it).</summary>
    public static async Task<LocalRegistry> StartAsync(bool htpasswd = false)
    {
        var registry = new LocalRegistry(RegistryTools.MissingReason());
        if (registry.MissingReason is null)
            await registry.RunAsync(htpasswd);
        return registry;
    }

    private async Task RunAsync(bool htpasswd)
    {
        Directory.CreateDirectory(_root);
        Port = FreePort();
        Host = $"127.0.0.1:{Port}";
        RequiresAuth = htpasswd;
        var auth = "";
        if (htpasswd)
        {
            File.WriteAllText(Path.Combine(_root, "htpasswd"), HtpasswdLine + "\n");
            auth = $"""

                auth:
                  htpasswd:
                    realm: platform-tests
                    path: {Path.Combine(_root, "htpasswd")}
                """;
        }
        var config = Path.Combine(_root, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(_root, "storage")}
            http:
              addr: {Host}{auth}
            """);
        var start = new ProcessStartInfo(RegistryTools.RegistryBinary) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);
        _registry = Process.Start(start)!;
        // Drain its logs so a full pipe never blocks it.
        _registry.OutputDataReceived += (_, _) => { };
        _registry.ErrorDataReceived += (_, _) => { };
        _registry.BeginOutputReadLine();
        _registry.BeginErrorReadLine();
        await WaitUntilReadyAsync();
    }

    /// <summary>Copies <paramref name="layoutFolder"/>'s image named <paramref name="refName"/> (its index.json's ref.name) to <c>repository:tag</c>.</summary>
    public Task SeedAsync(string layoutFolder, string refName, string repository, string tag) =>
        RegistryTools.SkopeoAsync(["copy", "--quiet", "--all", "--dest-tls-verify=false", .. DestCreds(), $"oci:{layoutFolder}:{refName}", $"docker://{Host}/{repository}:{tag}"]);

    /// <summary>The manifest (or index) as skopeo reads it from the registry.</summary>
    public Task<byte[]> SkopeoRawAsync(string repository, string reference) =>
        RegistryTools.SkopeoAsync(["inspect", "--raw", "--tls-verify=false", .. Creds(), $"docker://{Host}/{repository}{Separator(reference)}{reference}"]);

    /// <summary>The digest <c>skopeo inspect</c> reports for <c>repository:reference</c> (for an index: the index's own).</summary>
    public async Task<string> SkopeoDigestAsync(string repository, string reference)
    {
        var json = await RegistryTools.SkopeoAsync(["inspect", "--tls-verify=false", "--raw", .. Creds(), $"docker://{Host}/{repository}{Separator(reference)}{reference}"]);
        return "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(json));
    }

    /// <summary>What <c>skopeo inspect</c> (not raw) says, for the fields it reports (<c>Digest</c>, <c>Layers</c>).</summary>
    public async Task<JsonElement> SkopeoInspectAsync(string repository, string reference) =>
        JsonDocument.Parse(await RegistryTools.SkopeoAsync(["inspect", "--tls-verify=false", .. Creds(), $"docker://{Host}/{repository}{Separator(reference)}{reference}"])).RootElement.Clone();

    private string[] Creds() => RequiresAuth ? ["--creds", $"{User}:{Password}"] : ["--no-creds"];

    private string[] DestCreds() => RequiresAuth ? ["--dest-creds", $"{User}:{Password}"] : ["--dest-no-creds"];

    private static string Separator(string reference) => reference.StartsWith("sha256:", StringComparison.Ordinal) ? "@" : ":";

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_registry!.HasExited)
                throw new InvalidOperationException($"docker-registry exited with {_registry.ExitCode} before answering on {Host}.");
            try
            {
                // 401 is an answer too (htpasswd): the registry is up.
                using var response = await http.GetAsync($"http://{Host}/v2/");
                if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Unauthorized)
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

    /// <summary>A port on 127.0.0.1 that nothing listened on a moment ago.</summary>
    public static int FreePort()
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
