using Platform.Hosting.Outbox;

namespace Platform.ResourceGc.Store;

/// <summary>A named volume's record: namespace + name identify it; labels and creation time are set once.</summary>
public sealed record VolumeRecord(string Namespace, string Name, IReadOnlyDictionary<string, string> Labels, DateTimeOffset CreatedAt);

/// <summary>
/// Named volumes and the containers that use them. Volumes are user data: nothing here is ever collected; a volume
/// goes only by a user's removal, and only while no container uses it, checked in the removal's own transaction (so
/// a use recorded concurrently either lands first and refuses the removal, or finds the volume gone: NotFound).
/// </summary>
public interface IVolumeStore
{
    Task<VolumeRecord?> GetVolumeAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>Inserts a volume with its event; AlreadyExists for a taken name.</summary>
    Task InsertVolumeAsync(VolumeRecord record, EventFactory makeEvent, CancellationToken cancellationToken);

    /// <summary>The volumes of a namespace, ordered by name.</summary>
    Task<IReadOnlyList<VolumeRecord>> ListVolumesAsync(string ns, CancellationToken cancellationToken);

    /// <summary>Removes a volume's record with its event: NotFound when missing, FailedPrecondition naming the containers that use it.</summary>
    Task<VolumeRecord> RemoveVolumeAsync(string ns, string name, EventFactory makeEvent, CancellationToken cancellationToken);

    /// <summary>Records that a container (one incarnation: its generation) uses the volume; NotFound when the volume does not exist. Idempotent.</summary>
    Task AddVolumeUserAsync(string ns, string name, string containerId, long generation, CancellationToken cancellationToken);

    /// <summary>The container is gone: it uses no volume any more. Idempotent.</summary>
    Task ReleaseVolumeUserAsync(string ns, string containerId, long generation, CancellationToken cancellationToken);

    /// <summary>The ids of the containers using the volume, ordered.</summary>
    Task<IReadOnlyList<string>> VolumeUsersAsync(string ns, string name, CancellationToken cancellationToken);
}
