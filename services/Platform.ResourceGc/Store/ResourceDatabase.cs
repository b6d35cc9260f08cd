namespace Platform.ResourceGc.Store;

/// <summary>The resource GC service's database (the SQLite file <c>{DataRoot}/resources.db</c>, or the MongoDB database).</summary>
public static class ResourceDatabase
{
    /// <summary>The service's name in its stores: the outbox's, the command outcomes' (and their keyed <c>CommandOnce</c>).</summary>
    public const string Name = "resources";
}
