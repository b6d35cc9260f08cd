using MongoDB.Driver;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;

namespace Platform.Metadata.Store;

/// <summary>
/// The one database the metadata service keeps containers and images in: the SQLite file <c>{DataRoot}/metadata.db</c>
/// or the MongoDB database. Both stores are built on the same instance, so on SQLite they share one writer lock and one
/// outbox table, and on MongoDB one outbox collection: a single relay publishes every metadata event in commit order.
/// </summary>
public sealed class MetadataDatabase
{
    /// <summary>The service's name in its stores: the outbox's, the command outcomes' (and their keyed <c>CommandOnce</c>).</summary>
    public const string Name = "metadata";

    private MetadataDatabase(SqliteDatabase? sqlite, IMongoDatabase? mongo)
    {
        Sqlite = sqlite;
        Mongo = mongo;
    }

    /// <summary>The SQLite file, when no MongoDB is configured.</summary>
    public SqliteDatabase? Sqlite { get; }

    /// <summary>The MongoDB database, when one is configured.</summary>
    public IMongoDatabase? Mongo { get; }

    public static MetadataDatabase Open(StoreOptions options) => options.UseMongo
        ? new MetadataDatabase(null, MongoClients.For(options.MongoUri!).GetDatabase(options.MongoDatabase))
        : new MetadataDatabase(new SqliteDatabase(options.SqlitePathFor("metadata")), null);
}
