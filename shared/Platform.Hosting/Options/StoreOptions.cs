namespace Platform.Hosting.Options;

/// <summary>Configuration section <c>Store</c>: where a service keeps its state.</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary>
    /// MongoDB connection string. When set, MongoDB is the store; when empty, the embedded SQLite file is.
    /// Default empty; env <c>Store__MongoUri</c> or <c>MONGODB_URI</c>.
    /// </summary>
    public string? MongoUri { get; set; }

    /// <summary>MongoDB database name. Default <c>platform</c>.</summary>
    public string MongoDatabase { get; set; } = "platform";

    /// <summary>SQLite file path. Default <c>{DataRoot}/{service}.db</c>.</summary>
    public string? SqlitePath { get; set; }

    /// <summary>Root folder for all on-disk state. Default <c>/var/lib/platform</c>; env <c>Store__DataRoot</c> or <c>PLATFORM_DATA_ROOT</c>.</summary>
    public string DataRoot { get; set; } = "/var/lib/platform";

    public bool UseMongo => !string.IsNullOrWhiteSpace(MongoUri);

    public string SqlitePathFor(string service) => SqlitePath ?? Path.Combine(DataRoot, service + ".db");
}
