using MongoDB.Driver;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Store;

/// <summary>
/// The task runner's database, opened once and shared by its stores (tasks, restart supervision): the SQLite file
/// <c>{DataRoot}/tasks.db</c>, whose writes must queue on one <see cref="SqliteDatabase"/>, or the MongoDB database.
/// </summary>
public sealed class TaskDatabase
{
    /// <summary>The service's name in its stores: the outbox's, the command outcomes' (and their keyed <c>CommandOnce</c>).</summary>
    public const string Name = "tasks";

    private TaskDatabase(SqliteDatabase? sqlite, IMongoDatabase? mongo)
    {
        Sqlite = sqlite;
        Mongo = mongo;
    }

    /// <summary>The SQLite file, when no MongoDB is configured.</summary>
    public SqliteDatabase? Sqlite { get; }

    /// <summary>The MongoDB database, when one is configured.</summary>
    public IMongoDatabase? Mongo { get; }

    public static TaskDatabase Open(StoreOptions options) => options.UseMongo
        ? new TaskDatabase(null, MongoClients.For(options.MongoUri!).GetDatabase(options.MongoDatabase))
        : new TaskDatabase(new SqliteDatabase(options.SqlitePathFor("tasks")), null);
}
