using Platform.Contracts.Containers;
using Microsoft.Extensions.Options;
using Platform.Metadata.Containers;

namespace Platform.Metadata.Tests.Support;

/// <summary>No snapshot owner: nothing is referenced (as in the service until the resource GC exists).</summary>
public sealed class NoReferences : ISnapshotReferences
{
    public Task AddAsync(Container container, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RemoveAsync(Container container, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>No task runner: every container is deletable.</summary>
public sealed class NoTasks : ITaskGuard
{
    public Task EnsureDeletableAsync(Container container, bool force, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The runtime policy with the default options (no bind sources allowed); the rule tests call as a privileged caller.</summary>
public static class NoCollaborators
{
    public static SpecPolicy Policy { get; } = new(Options.Create(new SpecPolicyOptions()));
}
