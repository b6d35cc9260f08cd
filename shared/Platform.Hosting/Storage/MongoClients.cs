using System.Collections.Concurrent;
using MongoDB.Driver;

namespace Platform.Hosting.Storage;

/// <summary>
/// One <see cref="MongoClient"/> per connection string for the whole process (the driver pools connections
/// inside a client; several clients would multiply pools). Server selection fails after 10 s by default
/// rather than the driver's 30 s, so a missing server shows up quickly and clearly.
/// </summary>
public static class MongoClients
{
    private static readonly ConcurrentDictionary<string, MongoClient> Clients = new();

    public static MongoClient For(string connectionString) => Clients.GetOrAdd(connectionString, static cs =>
    {
        var settings = MongoClientSettings.FromConnectionString(cs);
        if (!cs.Contains("serverSelectionTimeoutMS", StringComparison.OrdinalIgnoreCase))
            settings.ServerSelectionTimeout = TimeSpan.FromSeconds(10);
        return new MongoClient(settings);
    });
}
