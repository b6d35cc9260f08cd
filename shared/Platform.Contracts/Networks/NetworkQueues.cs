namespace Platform.Contracts.Networks;

/// <summary>Queue names of the task runner's network commands and queries (one per message type, kebab-case). Part of the wire.</summary>
public static class NetworkQueues
{
    /// <summary>Queue of <see cref="CreateNetwork"/>.</summary>
    public const string Create = "create-network";

    /// <summary>Queue of <see cref="GetNetwork"/>.</summary>
    public const string Get = "get-network";

    /// <summary>Queue of <see cref="ListNetworks"/>.</summary>
    public const string List = "list-networks";

    /// <summary>Queue of <see cref="RemoveNetwork"/>.</summary>
    public const string Remove = "remove-network";

    /// <summary>Queue of <see cref="PruneNetworks"/>.</summary>
    public const string Prune = "prune-networks";
}
