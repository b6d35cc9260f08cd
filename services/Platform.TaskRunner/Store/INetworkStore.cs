using Platform.Hosting.Outbox;
using Platform.TaskRunner.Networks;

namespace Platform.TaskRunner.Store;

/// <summary>
/// The node's network records, beside its tasks in the same database. Identity is (Namespace, Name); a record never
/// changes once written (remove and create again instead). <see cref="NetworkRecord.Id"/> and
/// <see cref="NetworkRecord.Bridge"/> are unique on the node. Every write stores its event in the same transaction
/// (outbox, which the task store relays) with the network's next sequence number (kind <c>network</c>, key namespace +
/// name, surviving removal). Subnet overlap is the network manager's rule, checked under its lock, not the store's.
/// </summary>
public interface INetworkStore
{
    /// <summary>The network, or null.</summary>
    Task<NetworkRecord?> GetAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>The networks of a namespace (null: of every namespace on the node), ordered by namespace, then name.</summary>
    Task<IReadOnlyList<NetworkRecord>> ListAsync(string? @namespace, CancellationToken cancellationToken);

    /// <summary>Inserts a network with its event. AlreadyExists naming the network when its name, id or bridge is taken.</summary>
    Task InsertAsync(NetworkRecord network, EventFactory makeEvent, CancellationToken cancellationToken);

    /// <summary>Deletes the network with its event when it is still the one with <paramref name="id"/>; false (writing nothing) otherwise.</summary>
    Task<bool> DeleteAsync(string @namespace, string name, string id, EventFactory makeEvent, CancellationToken cancellationToken);
}
