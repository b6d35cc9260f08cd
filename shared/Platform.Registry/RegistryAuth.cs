using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Platform.Client.Registry;

/// <summary>
/// Answers a registry's 401 challenges: Basic (send the credentials from then on) or Bearer (get a token
/// for the scope from the realm, cached per scope until it expires). Concurrent requests for one scope share
/// one token request.
/// </summary>
internal sealed class RegistryAuth(HttpClient http, string registry, RegistryCredentials? credentials, RegistryClientOptions options)
{
    private sealed record Token(string Value, DateTimeOffset Expires);

    private readonly ConcurrentDictionary<string, Lazy<Task<Token>>> _tokens = new(StringComparer.Ordinal);
    private volatile bool _basic;

    /// <summary>Adds what the registry asked for last time (a live token for <paramref name="scope"/>, or Basic).</summary>
    public void Apply(HttpRequestMessage request, string scope)
    {
        if (_tokens.TryGetValue(scope, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully && !Expired(entry.Value.Result))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", entry.Value.Result.Value);
        else if (_basic && credentials is not null)
            request.Headers.Authorization = Basic(credentials);
    }

    /// <summary>
    /// After <paramref name="response"/> answered 401 to a request sent with <paramref name="sent"/>: true when
    /// a retry may now succeed, false when none can (no credentials for Basic, Basic credentials already refused,
    /// no challenge this client supports).
    /// </summary>
    public async Task<bool> AnswerAsync(HttpResponseMessage response, AuthenticationHeaderValue? sent, string scope, string repository,
        CancellationToken cancellationToken)
    {
        var challenges = response.Headers.WwwAuthenticate;
        if (challenges.FirstOrDefault(c => c.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) is { } bearer)
        {
            await TokenAsync(ParseParameters(bearer.Parameter), scope, sent, repository, cancellationToken);
            return true;
        }
        if (challenges.Any(c => c.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)))
        {
            if (credentials is null || sent?.Scheme == "Basic")
                return false;
            _basic = true;
            return true;
        }
        return false;
    }

    private async Task TokenAsync(IReadOnlyDictionary<string, string> challenge, string scope, AuthenticationHeaderValue? sent, string repository,
        CancellationToken cancellationToken)
    {
        if (!challenge.TryGetValue("realm", out var realmText) || !Uri.TryCreate(realmText, UriKind.Absolute, out var realm)
            || realm.Scheme is not ("http" or "https"))
            throw RegistryErrors.Invalid($"Registry {registry} asked for a token without a usable realm ('{realmText}').");
        var scopes = new List<string> { scope };
        if (challenge.TryGetValue("scope", out var asked))
            scopes.AddRange(asked.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !scopes.Contains(s)));

        Lazy<Task<Token>> Fresh() => new(() => FetchAsync(realm, challenge.GetValueOrDefault("service"), scopes, repository));

        var entry = _tokens.GetOrAdd(scope, _ => Fresh());
        if (entry.IsValueCreated && entry.Value.IsCompleted
            && (!entry.Value.IsCompletedSuccessfully || Expired(entry.Value.Result) || entry.Value.Result.Value == (sent?.Scheme == "Bearer" ? sent.Parameter : null)))
        {
            // The cached token failed, expired or was just refused: replace it once; if another request
            // replaced it first, share that one.
            var fresh = Fresh();
            entry = _tokens.TryUpdate(scope, fresh, entry) ? fresh : _tokens[scope];
        }
        await entry.Value.WaitAsync(cancellationToken);
    }

    // Shared by every request waiting on this scope, so it runs on its own deadline, not one caller's token.
    private async Task<Token> FetchAsync(Uri realm, string? service, IReadOnlyList<string> scopes, string repository)
    {
        var query = new List<string>();
        if (realm.Query.Length > 1)
            query.Add(realm.Query[1..]);
        if (service is not null)
            query.Add("service=" + Uri.EscapeDataString(service));
        query.AddRange(scopes.Select(s => "scope=" + Uri.EscapeDataString(s)));
        var uri = new UriBuilder(realm) { Query = string.Join('&', query) }.Uri;

        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (credentials is not null)
            request.Headers.Authorization = Basic(credentials);
        using var deadline = new CancellationTokenSource(options.Timeout);
        var tokenService = $"{realm.Authority} (the token service of registry {registry})";
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, deadline.Token);
        }
        catch (OperationCanceledException e)
        {
            throw RegistryErrors.TimedOut(tokenService, options.Timeout, e);
        }
        catch (HttpRequestException e)
        {
            throw RegistryErrors.Unreachable(tokenService, e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await RegistryErrors.FromResponseAsync(response, tokenService, repository, $"a token for {string.Join(' ', scopes)}", deadline.Token);
                if (error.Kind != RegistryErrorKind.Unauthorized)
                    throw error;
                var who = credentials is null ? "anonymous access" : $"the credentials of user {credentials.Username}";
                throw new RegistryException(RegistryErrorKind.Unauthorized,
                    $"Permission denied: the token service {realm.Authority} of registry {registry} refused {who} to repository {repository} (HTTP {error.StatusCode}).")
                { StatusCode = error.StatusCode };
            }
            var issued = options.TimeProvider.GetUtcNow();
            try
            {
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(deadline.Token));
                var root = doc.RootElement;
                var value = Text(root, "token") ?? Text(root, "access_token")
                    ?? throw RegistryErrors.Invalid($"The token service {realm.Authority} of registry {registry} answered without a token.");
                var lifetime = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) && seconds > 0 ? seconds : 60;
                // Renew a little early so a token doesn't expire between Apply and the registry reading it.
                return new Token(value, issued + TimeSpan.FromSeconds(lifetime * 0.9));
            }
            catch (JsonException e)
            {
                throw RegistryErrors.Invalid($"The token service {realm.Authority} of registry {registry} answered with invalid JSON: {e.Message}", e);
            }
        }
    }

    private bool Expired(Token token) => token.Expires <= options.TimeProvider.GetUtcNow();

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    private static AuthenticationHeaderValue Basic(RegistryCredentials c) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.Username}:{c.Password}")));

    /// <summary>The parameters of one challenge: <c>realm="…",service="…",scope="a:b:pull,push"</c> (quoted values may hold commas).</summary>
    internal static IReadOnlyDictionary<string, string> ParseParameters(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (text is null)
            return result;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
                i++;
            var eq = text.IndexOf('=', i);
            if (eq < 0)
                break;
            var key = text[i..eq].Trim();
            i = eq + 1;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                    value.Append(text[i] == '\\' && i + 1 < text.Length ? text[++i] : text[i]);
                i++;
            }
            else
            {
                for (; i < text.Length && text[i] != ','; i++)
                    value.Append(text[i]);
            }
            result[key] = value.ToString().Trim();
        }
        return result;
    }
}
