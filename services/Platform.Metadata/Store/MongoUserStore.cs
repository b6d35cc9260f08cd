using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Platform.Contracts.Users;
using Platform.Hosting;

namespace Platform.Metadata.Store;

/// <summary>The production user store: the collection <c>users</c> in the metadata service's MongoDB database, keyed by name.</summary>
public sealed class MongoUserStore(IMongoDatabase database) : IUserStore, IInitializableStore
{
    private readonly IMongoCollection<UserDocument> _users = database.GetCollection<UserDocument>("users");

    public string Name => "metadata users";

    // The key is the name: nothing else to index.
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<PlatformUser?> GetAsync(string name, CancellationToken cancellationToken) =>
        (await _users.Find(d => d.Name == name).FirstOrDefaultAsync(cancellationToken))?.ToUser();

    public async Task<IReadOnlyList<PlatformUser>> ListAsync(CancellationToken cancellationToken) =>
        (await _users.Find(FilterDefinition<UserDocument>.Empty).SortBy(d => d.Name).ToListAsync(cancellationToken)).Select(d => d.ToUser()).ToList();

    public async Task<bool> CreateAsync(PlatformUser user, CancellationToken cancellationToken)
    {
        try
        {
            await _users.InsertOneAsync(UserDocument.From(user), cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public async Task<bool> ReplaceAsync(PlatformUser user, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken)
    {
        var expected = expectedUpdatedAt.UtcTicks;
        var result = await _users.ReplaceOneAsync(d => d.Name == user.Name && d.UpdatedAt == expected, UserDocument.From(user), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) =>
        (await _users.DeleteOneAsync(d => d.Name == name, cancellationToken)).DeletedCount == 1;

    internal sealed class UserDocument
    {
        [BsonId] public string Name { get; set; } = "";
        [BsonElement("admin")] public bool Admin { get; set; }
        [BsonElement("grants")] public List<GrantDocument> Grants { get; set; } = [];
        // Ticks, as for containers: a user reads back exactly as written, and the update check compares exactly.
        [BsonElement("createdAt")] public long CreatedAt { get; set; }
        [BsonElement("updatedAt")] public long UpdatedAt { get; set; }

        public static UserDocument From(PlatformUser u) => new()
        {
            Name = u.Name,
            Admin = u.Admin,
            Grants = u.Grants.Select(g => new GrantDocument { Namespace = g.Namespace, Role = g.Role.ToString(), Privileged = g.Privileged }).ToList(),
            CreatedAt = u.CreatedAt.UtcTicks,
            UpdatedAt = u.UpdatedAt.UtcTicks,
        };

        public PlatformUser ToUser() => new()
        {
            Name = Name,
            Admin = Admin,
            Grants = Grants.Select(g => new UserGrant { Namespace = g.Namespace, Role = Enum.Parse<NamespaceRole>(g.Role), Privileged = g.Privileged }).ToList(),
            CreatedAt = new DateTimeOffset(CreatedAt, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(UpdatedAt, TimeSpan.Zero),
        };
    }

    internal sealed class GrantDocument
    {
        [BsonElement("namespace")] public string Namespace { get; set; } = "";
        [BsonElement("role")] public string Role { get; set; } = "";
        [BsonElement("privileged")] public bool Privileged { get; set; }
    }
}
