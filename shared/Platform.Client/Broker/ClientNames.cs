namespace Platform.Client;

/// <summary>
/// The names a client declares on the broker, all under <c>client:USER:</c>, so that one regular expression gives a
/// broker user configure (declare, delete) rights over its own queues and exchanges and nobody else's. The colon
/// cannot occur in a Platform user name (<see cref="Common.Identifiers.UserNames"/>), so no user's names are a prefix
/// of another's (<c>client:alice:</c> never matches <c>client:alice-bob:…</c>).
/// </summary>
public static class ClientNames
{
    /// <summary>What every client name starts with.</summary>
    public const string Prefix = "client:";

    /// <summary><c>client:USER:</c>: the start of every name user <paramref name="user"/> declares.</summary>
    public static string Of(string user) => $"{Prefix}{Safe(user)}:";

    /// <summary>
    /// The bus endpoint of a client's event bus (a temporary queue and exchange of that name; its requests' replies come
    /// on direct reply-to instead): unique per connection, removed by the broker when the client goes.
    /// </summary>
    public static string BusEndpoint(string user) => Of(user) + "bus-" + Guid.NewGuid().ToString("N");

    /// <summary>A temporary event subscription's queue.</summary>
    public static string Events(string user) => Of(user) + "events-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// The exchange a client sends its commands and queries through (direct, durable, one per user): bound to each
    /// command exchange the client sends to, with the command's queue name as the routing key. Sending through an
    /// exchange of its own is what spares a client configure rights on the services' exchanges and queues.
    /// </summary>
    public static string Send(string user) => Of(user) + "send";

    // A broker user made outside Platform may have any name; the characters MassTransit refuses in entity names become '_'.
    private static string Safe(string user) =>
        string.Concat(user.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_'));
}
