namespace Platform.Hosting.Commands;

/// <summary>
/// Where one service's stores keep command outcomes (a table or collection beside its outbox). Outcomes are written by the
/// store's own write methods, inside their transactions; this is the read and prune side. Its name is the service's.
/// </summary>
public interface ICommandOutcomeStore : IInitializableStore
{
    Task<CommandOutcome?> FindAsync(Guid commandId, CancellationToken cancellationToken);

    /// <summary>
    /// Records an outcome on its own, for a command whose effect is not a write of this store (a signal sent) or ends in
    /// several steps (a deletion completed by the exit path). A second record of one command id throws.
    /// </summary>
    Task RecordAsync(CommandOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Forgets outcomes recorded before <paramref name="before"/>; returns how many.</summary>
    Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
