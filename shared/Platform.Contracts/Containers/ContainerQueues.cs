namespace Platform.Contracts.Containers;

/// <summary>
/// Queue names of the metadata service's commands and queries: one queue per message type, kebab-case.
/// Part of the wire: a client sends to these, the service listens on them.
/// </summary>
public static class ContainerQueues
{
    /// <summary>Queue of <see cref="CreateContainer"/>.</summary>
    public const string Create = "create-container";

    /// <summary>Queue of <see cref="GetContainer"/>.</summary>
    public const string Get = "get-container";

    /// <summary>Queue of <see cref="ListContainers"/>.</summary>
    public const string List = "list-containers";

    /// <summary>Queue of <see cref="UpdateContainer"/>.</summary>
    public const string Update = "update-container";

    /// <summary>Queue of <see cref="DeleteContainer"/>.</summary>
    public const string Delete = "delete-container";

    /// <summary>The metadata service's subscription to other services' events (TaskDeleted releases a container's task hold).</summary>
    public const string Events = "metadata-events";
}
