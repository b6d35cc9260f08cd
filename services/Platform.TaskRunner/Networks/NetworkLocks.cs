using Platform.Hosting;

namespace Platform.TaskRunner.Networks;

/// <summary>
/// One lock per network name (namespace, name), held by resolve, create and remove, so that a removal's check that no
/// container uses the network and its delete are one step to the tasks resolving it. Creates also take
/// <see cref="CreateAsync"/>, one for the node: subnets, ids and bridges are unique across namespaces.
/// Order: the name's lock first, then the node's.
/// </summary>
public sealed class NetworkLocks : KeyedLocks<(string Namespace, string Name)>
{
    private readonly SemaphoreSlim _create = new(1, 1);

    public Task<IDisposable> LockAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        LockAsync((@namespace, name), cancellationToken);

    public async Task<IDisposable> CreateAsync(CancellationToken cancellationToken)
    {
        await _create.WaitAsync(cancellationToken);
        return new Release(_create);
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                semaphore.Release();
        }
    }
}
