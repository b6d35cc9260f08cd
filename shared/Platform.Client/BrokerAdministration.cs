using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Platform.Common.Errors;

namespace Platform.Client;

/// <summary>
/// Broker users through RabbitMQ's management HTTP API (plugin <c>rabbitmq_management</c>), as the administrator
/// whose bus address is given: the one place a Platform user's password exists, so it never travels on the bus.
/// The API listens on the broker's host, port 15672, unless another address is given.
/// </summary>
public sealed class BrokerAdministration : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _vhost;

    public BrokerAdministration(Uri busUri, Uri? managementUri = null, TimeSpan? timeout = null)
    {
        BusUri = busUri;
        ManagementUri = managementUri ?? new UriBuilder("http", busUri.Host, 15672).Uri;
        var path = busUri.AbsolutePath.TrimStart('/');
        _vhost = path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
        var info = busUri.UserInfo.Split(':', 2);
        var credentials = Encoding.UTF8.GetBytes($"{Uri.UnescapeDataString(info[0])}:{(info.Length > 1 ? Uri.UnescapeDataString(info[1]) : "")}");
        _http = new HttpClient { BaseAddress = ManagementUri, Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(credentials));
    }

    public Uri BusUri { get; }

    public Uri ManagementUri { get; }

    /// <summary>
    /// Creates broker user <paramref name="name"/> with a generated password and the permissions a Platform client needs on
    /// this vhost; returns its bus address (with the password). AlreadyExists when the broker has that user.
    /// </summary>
    public async Task<Uri> CreateUserAsync(string name, CancellationToken cancellationToken)
    {
        using (var existing = await SendAsync(HttpMethod.Get, $"api/users/{Escape(name)}", null, cancellationToken))
        {
            if (existing.StatusCode == HttpStatusCode.OK)
                throw PlatformException.AlreadyExists($"broker user \"{name}\" already exists");
        }
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await ExpectAsync(HttpMethod.Put, $"api/users/{Escape(name)}", new { password, tags = "" }, $"create broker user \"{name}\"", cancellationToken);
        var permissions = ClientPermissions.For(name);
        await ExpectAsync(HttpMethod.Put, $"api/permissions/{Escape(_vhost)}/{Escape(name)}",
            new { configure = permissions.Configure, write = permissions.Write, read = permissions.Read }, $"set permissions of \"{name}\"", cancellationToken);
        return new UriBuilder(BusUri) { UserName = Uri.EscapeDataString(name), Password = password }.Uri;
    }

    /// <summary>Removes broker user <paramref name="name"/>; false when the broker has no such user.</summary>
    public async Task<bool> DeleteUserAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"api/users/{Escape(name)}", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        await EnsureAsync(response, $"delete broker user \"{name}\"");
        return true;
    }

    private async Task ExpectAsync(HttpMethod method, string path, object body, string what, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, body, cancellationToken);
        await EnsureAsync(response, what);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        try
        {
            return await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw PlatformException.Unavailable(
                $"RabbitMQ's management API at {ManagementUri} did not answer ({e.Message}); enable it with `rabbitmq-plugins enable rabbitmq_management`", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw PlatformException.Unavailable($"RabbitMQ's management API at {ManagementUri} did not answer in time", e);
        }
    }

    private async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode)
            return;
        var reason = (await response.Content.ReadAsStringAsync()).Trim();
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => PlatformException.PermissionDenied(
                $"RabbitMQ's management API refused to {what}: broker user \"{BusIdentity.UserOf(BusUri)}\" needs the administrator tag ({(int)response.StatusCode})"),
            _ => PlatformException.Unavailable($"RabbitMQ's management API could not {what}: {(int)response.StatusCode} {reason}"),
        };
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);

    public void Dispose() => _http.Dispose();
}

/// <summary>The RabbitMQ permissions (regular expressions over queue and exchange names) a Platform client gets.</summary>
public sealed record ClientPermissions(string Configure, string Write, string Read)
{
    /// <summary>
    /// Today every name on the vhost: the request client declares the command exchanges it sends to and its own
    /// reply queue, and the event subscription binds event exchanges. What the user may do is decided by Platform's
    /// authorisation filter from the broker-checked user_id (internal commands and events from a client are refused
    /// there); narrowing these to the client's own names is the next step.
    /// </summary>
    public static ClientPermissions For(string user) => new(".*", ".*", ".*");
}
