namespace Platform.TaskRunner.Networks;

/// <summary>
/// The seam between network records (the network manager) and attaching tasks to them (CNI in the runtime).
/// </summary>
public interface INetworkDirectory
{
    /// <summary>
    /// The network a task of namespace <paramref name="ns"/> joins by name. The default network
    /// (<see cref="Platform.Common.Networks.NetworkLabels.DefaultName"/>) is created on first use; any other unknown name
    /// is NotFound naming it.
    /// </summary>
    Task<NetworkRecord> ResolveAsync(string ns, string name, CancellationToken cancellationToken);
}
