using Platform.Contracts.Containers;
using Platform.Metadata.Containers;
using Platform.Metadata.Store;

namespace Platform.Metadata.Tests.Support;

/// <summary>The container service over an in-memory store and a hand-moved clock; nothing is referenced or running.</summary>
public sealed class ServiceHarness
{
    /// <param name="wrap">Puts a decorator between the service and the store, e.g. one that races the service.</param>
    /// <param name="limits">Object limits other than the defaults.</param>
    /// <param name="tasks">The task runner as the service sees it; default: no container has a task.</param>
    public ServiceHarness(Func<IContainerStore, IContainerStore>? wrap = null, Platform.Common.Limits.ObjectLimits? limits = null, ITaskGuard? tasks = null)
    {
        Service = new ContainerService(wrap is null ? Store : wrap(Store), new NoReferences(), tasks ?? new NoTasks(), NoCollaborators.Policy, Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<ContainerService>.Instance,
            limits is null ? null : Microsoft.Extensions.Options.Options.Create(limits));
    }

    public InMemoryContainerStore Store { get; } = new();

    public ManualClock Clock { get; } = new(Samples.Epoch);

    public ContainerService Service { get; }

    public static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public Task<Container> CreateAsync(CreateContainer request) => Service.CreateAsync(request, privileged: true, Ct);

    public Task<Container> UpdateAsync(UpdateContainer request) => Service.UpdateAsync(request, privileged: true, Ct);

    public Task<Container> GetAsync(string id, string? @namespace = null) =>
        Service.GetAsync(new GetContainer { Namespace = @namespace, Id = id }, Ct);
}
