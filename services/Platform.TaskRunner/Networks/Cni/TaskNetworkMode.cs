namespace Platform.TaskRunner.Networks.Cni;

public enum TaskNetworkMode
{
    /// <summary>Its own network namespace, loopback only.</summary>
    None,

    /// <summary>The host's network namespace.</summary>
    Host,

    /// <summary>A namespace of its own made by the runner and attached to a network through CNI.</summary>
    Bridge,
}
