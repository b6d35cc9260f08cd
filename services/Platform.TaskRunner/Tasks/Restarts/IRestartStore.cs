namespace Platform.TaskRunner.Tasks.Restarts;

/// <summary>
/// The runner's restart supervision records, one per (namespace, container id), beside its tasks in the same database.
/// Writers hold the task's lock (<see cref="TaskLocks"/>) except <see cref="MarkStoppedAsync"/>, which only ever
/// turns restarts off, and is therefore safe to race with anything.
/// </summary>
public interface IRestartStore
{
    /// <summary>The record, or null.</summary>
    Task<RestartState?> GetAsync(string @namespace, string containerId, CancellationToken cancellationToken);

    /// <summary>Every record, ordered by namespace, then container id.</summary>
    Task<IReadOnlyList<RestartState>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the record.</summary>
    Task PutAsync(RestartState state, CancellationToken cancellationToken);

    /// <summary>Sets <see cref="RestartState.StoppedByUser"/> and clears the pending restart; false when there is no record.</summary>
    Task<bool> MarkStoppedAsync(string @namespace, string containerId, CancellationToken cancellationToken);

    /// <summary>Removes the record; false when there was none.</summary>
    Task<bool> DeleteAsync(string @namespace, string containerId, CancellationToken cancellationToken);
}
