namespace Platform.Bench;

/// <summary>
/// The container operations the metadata benchmark times, one implementation per system measured, so both sides get
/// the same ids, payloads, counts and concurrency from <see cref="MetadataWorkload"/>.
/// </summary>
public interface IContainerMetadata
{
    /// <summary>Creates container <paramref name="id"/> with <see cref="MetadataWorkload"/>'s payload; <paramref name="i"/> picks its parity label.</summary>
    Task CreateAsync(string id, int i);

    Task GetAsync(string id);

    /// <summary>Lists the containers that match <paramref name="filter"/> (containerd's syntax) and returns how many there were.</summary>
    Task<int> CountAsync(string filter);

    /// <summary>Sets label <c>touched</c> to <paramref name="i"/>, leaving the other labels as they are.</summary>
    Task LabelAsync(string id, int i);

    Task DeleteAsync(string id);

    /// <summary>
    /// Reads as a long-running caller would: Platform from a watch cache of the namespace (started here, seeded by one
    /// list, kept current by events); containerd, which has no such cache, with its one kind of read, a consistent one.
    /// </summary>
    Task<ICachedReads> CachedReadsAsync();
}

/// <summary>Reads of <see cref="IContainerMetadata.CachedReadsAsync"/>; disposing stops the cache.</summary>
public interface ICachedReads : IAsyncDisposable
{
    Task GetAsync(string id);

    Task<int> CountAsync(string filter);
}

/// <summary>The consistent reads of a system without a client cache, standing in for its cached ones.</summary>
public sealed class ConsistentReads(IContainerMetadata target) : ICachedReads
{
    public Task GetAsync(string id) => target.GetAsync(id);

    public Task<int> CountAsync(string filter) => target.CountAsync(filter);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
