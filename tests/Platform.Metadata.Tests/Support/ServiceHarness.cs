using Platform.Contracts.Containers;
using Platform.Metadata.Containers;

namespace Platform.Metadata.Tests.Support;

/// <summary>The container service over an in-memory store and a hand-moved clock; nothing is referenced or running.</summary>
public sealed class ServiceHarness
{
    public ServiceHarness()
    {
        Service = new ContainerService(Store, new NoReferences(), new NoTasks(), Clock);
    }

    public InMemoryContainerStore Store { get; } = new();

    public ManualClock Clock { get; } = new(Samples.Epoch);

    public ContainerService Service { get; }

    public static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public Task<Container> CreateAsync(CreateContainer request) => Service.CreateAsync(request, Ct);

    public Task<Container> UpdateAsync(UpdateContainer request) => Service.UpdateAsync(request, Ct);

    public Task<Container> GetAsync(string id, string? @namespace = null) =>
        Service.GetAsync(new GetContainer { Namespace = @namespace, Id = id }, Ct);

    private sealed class NoReferences : ISnapshotReferences
    {
        public Task AddAsync(Container container, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RemoveAsync(Container container, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NoTasks : ITaskGuard
    {
        public Task EnsureDeletableAsync(Container container, bool force, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
