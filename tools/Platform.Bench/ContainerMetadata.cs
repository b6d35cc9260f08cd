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
}
