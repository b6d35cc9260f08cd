using Platform.Common.Errors;
using Platform.Common.Networks;

namespace Platform.TaskRunner.Networks;

/// <summary>
/// TEMPORARY stand-in for the network manager's directory (issue 12 part 1 replaces this file at merge): knows only
/// the default network, a fixed 10.89.0.0/24 bridge, so CNI attachment can be built and tested on its own.
/// </summary>
public sealed class NetworkDirectory : INetworkDirectory
{
    private static readonly NetworkRecord Default = new()
    {
        Namespace = "",
        Name = NetworkLabels.DefaultName,
        Id = "platform0",
        Subnet = "10.89.0.0/24",
        Gateway = "10.89.0.1",
        Bridge = "platform0",
    };

    public Task<NetworkRecord> ResolveAsync(string ns, string name, CancellationToken cancellationToken) =>
        name == NetworkLabels.DefaultName
            ? Task.FromResult(Default with { Namespace = ns })
            : throw PlatformException.NotFound($"network '{name}' not found in namespace {ns}");
}
