namespace Platform.Contracts.Resources;

/// <summary>
/// Queues of the resource GC service. Each command or query has its own queue named by
/// <see cref="QueueNames.Of{T}"/> (<c>PrepareSnapshot</c> → <c>prepare-snapshot</c>); this names the rest.
/// </summary>
public static class ResourceQueues
{
    /// <summary>The resource GC service's subscription to other services' events (ContainerDeleted …).</summary>
    public const string Events = "resource-gc-events";
}
