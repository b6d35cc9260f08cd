using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Platform.Hosting.Commands;

/// <summary>
/// The command outcome collection (<c>{service}.commands</c>) of one MongoDB database, beside its outbox. Recorded in the
/// write's session, so in its transaction on a replica set; on a standalone server after the change, in order.
/// </summary>
public sealed class MongoCommandOutcomes(IMongoDatabase database, string name) : ICommandOutcomeStore, IInitializableStore
{
    private readonly IMongoCollection<OutcomeDocument> _outcomes = database.GetCollection<OutcomeDocument>(name + ".commands");

    public string Name => name;

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        _outcomes.Indexes.CreateOneAsync(new CreateIndexModel<OutcomeDocument>(
            Builders<OutcomeDocument>.IndexKeys.Ascending(d => d.RecordedAt), new CreateIndexOptions { Name = "recorded_at" }),
            cancellationToken: cancellationToken);

    /// <summary>Records <paramref name="outcome"/> in the caller's session; a second record of one command id is a duplicate key.</summary>
    public Task RecordAsync(IClientSessionHandle? session, CommandOutcome outcome, CancellationToken cancellationToken)
    {
        var document = new OutcomeDocument
        {
            Id = outcome.CommandId.ToString("D"),
            Command = outcome.Command,
            Subject = outcome.Subject,
            Result = outcome.Result,
            RecordedAt = outcome.RecordedAt.UtcTicks,
        };
        return session is null
            ? _outcomes.InsertOneAsync(document, cancellationToken: cancellationToken)
            : _outcomes.InsertOneAsync(session, document, cancellationToken: cancellationToken);
    }

    public Task RecordAsync(CommandOutcome outcome, CancellationToken cancellationToken) => RecordAsync(null, outcome, cancellationToken);

    public async Task<CommandOutcome?> FindAsync(Guid commandId, CancellationToken cancellationToken)
    {
        var d = await _outcomes.Find(Builders<OutcomeDocument>.Filter.Eq(x => x.Id, commandId.ToString("D"))).FirstOrDefaultAsync(cancellationToken);
        return d is null ? null : new CommandOutcome(commandId, d.Command, d.Subject, d.Result, new DateTimeOffset(d.RecordedAt, TimeSpan.Zero));
    }

    public async Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        (await _outcomes.DeleteManyAsync(Builders<OutcomeDocument>.Filter.Lt(x => x.RecordedAt, before.UtcTicks), cancellationToken)).DeletedCount;

    internal sealed class OutcomeDocument
    {
        [BsonId] public string Id { get; set; } = "";
        [BsonElement("command")] public string Command { get; set; } = "";
        [BsonElement("subject")] public string Subject { get; set; } = "";
        [BsonElement("result")] public string Result { get; set; } = "";
        [BsonElement("recorded_at")] public long RecordedAt { get; set; }
    }
}
