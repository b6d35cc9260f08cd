using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Platform.Common.Errors;
using Platform.Contracts.Users;

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
    /// Prefix of the services' queues (their <c>Bus:EndpointPrefix</c>): the command exchanges a user may write to
    /// carry it. Default empty.
    /// </summary>
    public string EndpointPrefix { get; init; } = "";

    /// <summary>
    /// Creates broker user <paramref name="name"/> with a generated password and the permissions of a user without
    /// grants (queries only, no namespace's events: <see cref="SetPermissionsAsync"/> widens them once it has grants);
    /// returns its bus address (with the password). AlreadyExists when the broker has that user.
    /// </summary>
    public async Task<Uri> CreateUserAsync(string name, CancellationToken cancellationToken)
    {
        using (var existing = await SendAsync(HttpMethod.Get, $"api/users/{Escape(name)}", null, cancellationToken))
        {
            if (existing.StatusCode == HttpStatusCode.OK)
                throw PlatformException.AlreadyExists($"broker user \"{name}\" already exists");
        }
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await ExpectAsync(HttpMethod.Put, $"api/users/{Escape(name)}", new UserBody(password, ""), ManagementJson.Default.UserBody, $"create broker user \"{name}\"", cancellationToken);
        await SetPermissionsAsync(new PlatformUser { Name = name }, cancellationToken);
        return new UriBuilder(BusUri) { UserName = Uri.EscapeDataString(name), Password = password }.Uri;
    }

    /// <summary>
    /// Gives broker user <paramref name="user"/> the least permissions its record needs (<see cref="ClientPermissions"/>),
    /// topic permissions limiting the events it may subscribe to to its namespaces (<see cref="TopicPermissions"/>),
    /// and removes bindings of its queues to namespaces it no longer has: topic permissions are checked when a binding
    /// is made, so without this a subscription made before a revoke would go on receiving that namespace's events.
    /// Call it whenever the user's grants change.
    /// </summary>
    public async Task SetPermissionsAsync(PlatformUser user, CancellationToken cancellationToken)
    {
        var name = user.Name;
        var permissions = ClientPermissions.For(user, EndpointPrefix);
        await ExpectAsync(HttpMethod.Put, $"api/permissions/{Escape(_vhost)}/{Escape(name)}",
            new PermissionsBody(permissions.Configure, permissions.Write, permissions.Read), ManagementJson.Default.PermissionsBody, $"set permissions of \"{name}\"", cancellationToken);
        foreach (var topic in TopicPermissions.For(user))
        {
            await ExpectAsync(HttpMethod.Put, $"api/topic-permissions/{Escape(_vhost)}/{Escape(name)}",
                new TopicPermissionsBody(topic.Exchange, topic.Write, topic.Read), ManagementJson.Default.TopicPermissionsBody, $"set topic permissions of \"{name}\" on {topic.Exchange}", cancellationToken);
        }
        foreach (var queue in await QueuesOfAsync(name, cancellationToken))
        {
            var bindings = await GetJsonAsync($"api/queues/{Escape(_vhost)}/{Escape(queue)}/bindings", ManagementJson.Default.ListBindingInfo, $"list bindings of {queue}", cancellationToken);
            foreach (var binding in bindings ?? [])
            {
                if (!binding.Source.StartsWith(EventTopology.ExchangePrefix, StringComparison.Ordinal) || TopicPermissions.Allows(user, binding.RoutingKey))
                    continue;
                using var response = await SendAsync(HttpMethod.Delete,
                    $"api/bindings/{Escape(_vhost)}/e/{Escape(binding.Source)}/q/{Escape(queue)}/{Escape(binding.PropertiesKey)}", null, cancellationToken);
                if (response.StatusCode != HttpStatusCode.NotFound)
                    await EnsureAsync(response, $"unbind {queue} from {binding.Source} ({binding.RoutingKey})");
            }
        }
    }

    /// <summary>Removes broker user <paramref name="name"/>; false when the broker has no such user.</summary>
    public async Task<bool> DeleteUserAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"api/users/{Escape(name)}", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        await EnsureAsync(response, $"delete broker user \"{name}\"");
        // Its temporary queues go with its connections; the exchange it sent through is durable.
        using var exchange = await SendAsync(HttpMethod.Delete, $"api/exchanges/{Escape(_vhost)}/{Escape(ClientNames.Send(name))}", null, cancellationToken);
        if (exchange.StatusCode != HttpStatusCode.NotFound)
            await EnsureAsync(exchange, $"delete exchange {ClientNames.Send(name)}");
        return true;
    }

    /// <summary>The queues on the vhost whose names are <paramref name="user"/>'s (<see cref="ClientNames"/>).</summary>
    private async Task<List<string>> QueuesOfAsync(string user, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var filter = Escape("^" + System.Text.RegularExpressions.Regex.Escape(ClientNames.Of(user)));
        for (var page = 1; ; page++)
        {
            var found = await GetJsonAsync($"api/queues/{Escape(_vhost)}?page={page}&page_size=500&name={filter}&use_regex=true&columns=name", ManagementJson.Default.QueuePage,
                $"list the queues of \"{user}\"", cancellationToken);
            names.AddRange(found?.Items.Select(q => q.Name) ?? []);
            if (found is null || page >= found.PageCount)
                return names;
        }
    }

    private async Task<T?> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        await EnsureAsync(response, what);
        return await response.Content.ReadFromJsonAsync(type, cancellationToken);
    }

    internal sealed record UserBody(string Password, string Tags);

    internal sealed record PermissionsBody(string Configure, string Write, string Read);

    internal sealed record TopicPermissionsBody(string Exchange, string Write, string Read);

    internal sealed record QueuePage([property: JsonPropertyName("items")] List<QueueInfo> Items, [property: JsonPropertyName("page_count")] int PageCount);

    internal sealed record QueueInfo([property: JsonPropertyName("name")] string Name);

    internal sealed record BindingInfo(
        [property: JsonPropertyName("source")] string Source,
        [property: JsonPropertyName("routing_key")] string RoutingKey,
        [property: JsonPropertyName("properties_key")] string PropertiesKey);

    private async Task ExpectAsync<T>(HttpMethod method, string path, T body, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, JsonContent.Create(body, type), cancellationToken);
        await EnsureAsync(response, what);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
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

/// <summary>The management API's documents, with generated code (lower-case names, as the API spells them).</summary>
[JsonSerializable(typeof(BrokerAdministration.UserBody))]
[JsonSerializable(typeof(BrokerAdministration.PermissionsBody))]
[JsonSerializable(typeof(BrokerAdministration.TopicPermissionsBody))]
[JsonSerializable(typeof(BrokerAdministration.QueuePage))]
[JsonSerializable(typeof(List<BrokerAdministration.BindingInfo>), TypeInfoPropertyName = "ListBindingInfo")]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class ManagementJson : JsonSerializerContext
{
}
