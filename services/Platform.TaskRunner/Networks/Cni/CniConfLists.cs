using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>
/// The CNI network configuration list of each network, <c>{DataRoot}/networks/{id}.conflist</c>: a bridge (the
/// network's gateway on the host side, masquerading, hairpin), host-local IPAM over the network's subnet with its
/// leases under <c>{DataRoot}/networks/ipam/{id}/</c>, portmap (published ports, through the <c>portMappings</c>
/// capability) and firewall (so a FORWARD policy of DROP lets the network's traffic through). The network's id is the
/// CNI network name: names of different namespaces may be equal, ids never are.
/// </summary>
public sealed class CniConfLists(IOptions<StoreOptions> store)
{
    public const string CniVersion = "1.0.0";

    public string Dir { get; } = Path.Combine(Path.GetFullPath(store.Value.DataRoot), "networks");

    public string IpamDir => Path.Combine(Dir, "ipam");

    public string PathOf(NetworkRecord network) => Path.Combine(Dir, network.Id + ".conflist");

    /// <summary>The list for <paramref name="network"/>, written to its file when the file says otherwise.</summary>
    public async Task<JsonObject> WriteAsync(NetworkRecord network, CancellationToken cancellationToken)
    {
        var list = Build(network);
        var text = list.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        var path = PathOf(network);
        PrivateFiles.EnsureFolder(Dir);
        if (!File.Exists(path) || await File.ReadAllTextAsync(path, cancellationToken) != text)
        {
            // Tasks of one network attach concurrently: each writes its own file and renames it into place.
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            await PrivateFiles.WriteAllTextAsync(temp, text, cancellationToken);
            File.Move(temp, path, overwrite: true);
        }
        return list;
    }

    public JsonObject Build(NetworkRecord network) => new()
    {
        ["cniVersion"] = CniVersion,
        ["name"] = network.Id,
        ["plugins"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "bridge",
                ["bridge"] = network.Bridge,
                ["isGateway"] = true,
                ["ipMasq"] = true,
                ["hairpinMode"] = true,
                ["ipam"] = new JsonObject
                {
                    ["type"] = "host-local",
                    ["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = network.Subnet, ["gateway"] = network.Gateway })),
                    ["routes"] = new JsonArray(new JsonObject { ["dst"] = "0.0.0.0/0" }),
                    ["dataDir"] = IpamDir,
                },
            },
            new JsonObject { ["type"] = "portmap", ["capabilities"] = new JsonObject { ["portMappings"] = true } },
            new JsonObject { ["type"] = "firewall" }),
    };
}
