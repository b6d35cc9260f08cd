using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>
/// What a removed network leaves on the node, removed: its Linux bridge (made by the bridge plugin on first attach,
/// in the plugins' network namespace), its configuration list and host-local's lease folder. Every step tolerates
/// what is already gone, so it can run again (at start, for networks whose record went while the runner was down).
/// </summary>
public sealed class NetworkTeardown(CniConfLists confLists, IOptions<NetworkOptions> options, ILogger<NetworkTeardown> logger)
{
    public async Task RemoveAsync(NetworkRecord network, CancellationToken cancellationToken)
    {
        await DeleteBridgeAsync(network.Bridge, cancellationToken);
        File.Delete(confLists.PathOf(network));
        var leases = Path.Combine(confLists.IpamDir, network.Id);
        if (Directory.Exists(leases))
            Directory.Delete(leases, recursive: true);
        logger.LogDebug("Network {Network} torn down: bridge {Bridge}, configuration and leases removed", network.Name, network.Bridge);
    }

    /// <summary>
    /// Tears down every network with a configuration list here but no record (removed while its teardown was cut short,
    /// a crash between the two): the bridge's name is read from the list. Returns how many.
    /// </summary>
    public async Task<int> SweepAsync(Func<CancellationToken, Task<IReadOnlyCollection<string>>> recordedIds, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(confLists.Dir))
            return 0;
        // Lists first, records second: a list is written only for a network already recorded.
        var configured = Directory.EnumerateFiles(confLists.Dir, "*.conflist").ToList();
        var known = await recordedIds(cancellationToken);
        var swept = 0;
        foreach (var file in configured)
        {
            var id = Path.GetFileNameWithoutExtension(file);
            if (known.Contains(id))
                continue;
            var bridge = (string?)JsonNode.Parse(await File.ReadAllTextAsync(file, cancellationToken))?["plugins"]?[0]?["bridge"];
            if (bridge is null)
                continue;
            await RemoveAsync(new NetworkRecord { Namespace = "", Name = id, Id = id, Subnet = "", Gateway = "", Bridge = bridge }, cancellationToken);
            swept++;
        }
        return swept;
    }

    private async Task DeleteBridgeAsync(string bridge, CancellationToken cancellationToken)
    {
        using var process = Process.Start(options.Value.HostSide("ip", "link", "delete", bridge, "type", "bridge"))
            ?? throw new InvalidOperationException("could not start ip");
        var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        // A network no task ever joined has no bridge: "Cannot find device" is that, not a failure.
        if (process.ExitCode != 0 && !errors.Contains("Cannot find device", StringComparison.Ordinal))
            logger.LogWarning("Deleting bridge {Bridge} failed ({ExitCode}): {Error}", bridge, process.ExitCode, errors.Trim());
    }
}
