using System.Text;
using System.Text.Json;

namespace Platform.Client.Registry;

/// <summary>
/// Credentials from a docker-style <c>config.json</c>: <c>auths</c> → host → <c>auth</c> (base64 of
/// <c>user:password</c>) or <c>username</c>/<c>password</c>. Credential helpers (<c>credsStore</c>,
/// <c>credHelpers</c>) and <c>identitytoken</c> are not supported: such entries yield no credentials.
/// The file is read once, when loaded.
/// </summary>
public sealed class DockerConfigCredentials : IRegistryCredentialSource
{
    private readonly Dictionary<string, RegistryCredentials> _byHost;

    private DockerConfigCredentials(Dictionary<string, RegistryCredentials> byHost) => _byHost = byHost;

    /// <summary><c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>; no file means no credentials.</summary>
    public static DockerConfigCredentials LoadDefault()
    {
        var dir = Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        var path = Path.Combine(dir, "config.json");
        return File.Exists(path) ? Load(path) : new DockerConfigCredentials([]);
    }

    /// <summary>Reads <paramref name="path"/>; throws <see cref="InvalidDataException"/> naming the file when it is not a valid config.</summary>
    public static DockerConfigCredentials Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Parses the JSON text of a config file.</summary>
    public static DockerConfigCredentials Parse(string json)
    {
        var byHost = new Dictionary<string, RegistryCredentials>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException("a docker config must be a JSON object");
            if (!doc.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
                return new DockerConfigCredentials(byHost);
            foreach (var entry in auths.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Object && ReadEntry(entry.Name, entry.Value) is { } credentials)
                    byHost[Normalize(entry.Name)] = credentials;
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not valid JSON: {e.Message}", e);
        }
        return new DockerConfigCredentials(byHost);
    }

    public RegistryCredentials? Find(string host) => _byHost.GetValueOrDefault(Normalize(host));

    private static RegistryCredentials? ReadEntry(string host, JsonElement entry)
    {
        if (entry.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"the auth of {host} is not base64", e);
            }
            var colon = decoded.IndexOf(':');
            if (colon <= 0)
                throw new InvalidDataException($"the auth of {host} does not decode to user:password");
            return new RegistryCredentials(decoded[..colon], decoded[(colon + 1)..]);
        }
        if (entry.TryGetProperty("username", out var user) && user.GetString() is { Length: > 0 } username
            && entry.TryGetProperty("password", out var pass) && pass.GetString() is { } password)
            return new RegistryCredentials(username, password);
        return null;
    }

    // Keys are written as a bare host, a URL, or a URL with a path (`https://index.docker.io/v1/`);
    // Docker Hub goes by three names.
    private static string Normalize(string key)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
            host = host[(scheme + 3)..];
        var slash = host.IndexOf('/');
        if (slash >= 0)
            host = host[..slash];
        return host.ToLowerInvariant() is "index.docker.io" or "registry-1.docker.io" ? "docker.io" : host.ToLowerInvariant();
    }
}
