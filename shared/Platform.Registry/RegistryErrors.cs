using System.Net;
using System.Text;
using System.Text.Json;

namespace Platform.Client.Registry;

/// <summary>Turns a registry's failed response into a <see cref="RegistryException"/>, with its JSON error body in the message.</summary>
internal static class RegistryErrors
{
    private const int MaxBodyChars = 16 * 1024;

    /// <param name="registry">The registry's host, as the user named it.</param>
    /// <param name="what">What was asked for, e.g. <c>manifest repo:tag</c> or <c>blob sha256:… of repo</c>.</param>
    public static async Task<RegistryException> FromResponseAsync(HttpResponseMessage response, string registry, string repository, string what,
        CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var (codes, details) = await ReadBodyAsync(response, cancellationToken);
        var suffix = details.Length > 0 ? $": {details}" : "";
        var (kind, message) = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => (RegistryErrorKind.Unauthorized,
                $"Permission denied by registry {registry} for repository {repository} (HTTP {status}){suffix}. Check the credentials for {registry} and their rights on {repository}."),
            HttpStatusCode.NotFound when codes.Contains("NAME_UNKNOWN") => (RegistryErrorKind.NotFound,
                $"Repository {repository} is not known to registry {registry}{suffix}."),
            HttpStatusCode.NotFound => (RegistryErrorKind.NotFound, $"{Capitalize(what)} was not found in registry {registry}{suffix}."),
            HttpStatusCode.TooManyRequests => (RegistryErrorKind.Unavailable, $"Registry {registry} is limiting requests (HTTP 429){suffix}. Try again later."),
            >= HttpStatusCode.InternalServerError => (RegistryErrorKind.Unavailable,
                $"Registry {registry} failed on {what} (HTTP {status} {response.ReasonPhrase}){suffix}. Try again later."),
            >= HttpStatusCode.BadRequest => (RegistryErrorKind.Rejected, $"Registry {registry} rejected the request for {what} (HTTP {status}){suffix}."),
            _ => (RegistryErrorKind.InvalidResponse, $"Registry {registry} answered HTTP {status} to the request for {what}, which is not a valid answer{suffix}."),
        };
        return new RegistryException(kind, message) { StatusCode = status };
    }

    public static RegistryException Unreachable(string registry, Exception e) =>
        new(RegistryErrorKind.Unavailable, $"Registry {registry} can't be reached: {e.GetBaseException().Message}.", e);

    public static RegistryException TimedOut(string registry, TimeSpan timeout, Exception e) =>
        new(RegistryErrorKind.Unavailable, $"Registry {registry} did not answer within {timeout.TotalSeconds:0.#} s.", e);

    public static RegistryException Invalid(string message, Exception? inner = null) => new(RegistryErrorKind.InvalidResponse, message, inner);

    // The distribution spec's body: {"errors":[{"code":"…","message":"…","detail":…}]}. Anything else is
    // quoted briefly (a proxy's HTML page says more than the status alone).
    private static async Task<(HashSet<string> Codes, string Details)> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        string text;
        try
        {
            text = await ReadCappedAsync(response.Content, cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            return (codes, "");
        }
        if (text.Trim().Length == 0)
            return (codes, "");
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var parts = new List<string>();
                foreach (var error in errors.EnumerateArray())
                {
                    var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "UNKNOWN";
                    var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    codes.Add(code);
                    parts.Add(message is { Length: > 0 } ? $"{code}: {message}" : code);
                }
                return (codes, string.Join("; ", parts));
            }
        }
        catch (JsonException)
        {
        }
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return (codes, flat.Length > 200 ? flat[..200] + "…" : flat);
    }

    private static async Task<string> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBodyChars];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
