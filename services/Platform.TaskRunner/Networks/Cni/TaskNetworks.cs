using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.TaskRunner.Runtime;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>
/// A task's network namespace as the runtime needs it. Attach (before <c>runc create</c>): <c>none</c> leaves the spec
/// alone (runc makes the namespace), <c>host</c> removes its network namespace entry, a network gets a namespace file
/// of its own (<see cref="NetnsFiles"/>), loopback and the network's CNI list added into it, and the spec's entry
/// pointing at it. Detach (on cleanup, failed creates and reconciliation included): DEL with the cached result, then
/// the namespace goes. An attach that fails detaches what it did, so nothing (namespace, lease, veth) stays behind.
/// </summary>
public sealed class TaskNetworks(
    CniConfLists confLists,
    CniNetworkList lists,
    CniPlugins plugins,
    NetnsFiles netns,
    AttachmentCache cache,
    HostPorts hostPorts,
    TaskNames names,
    ILogger<TaskNetworks> logger)
{
    /// <summary>The interface a network gives a task.</summary>
    public const string IfName = "eth0";

    private static readonly JsonObject Loopback = new() { ["cniVersion"] = CniConfLists.CniVersion, ["name"] = "loopback", ["type"] = "loopback" };

    /// <summary>The container id CNI plugins see: unique on the node (identifiers never hold <c>--</c>).</summary>
    public static string CniContainerId(TaskHandle task) => $"{task.Namespace}--{task.ContainerId}";

    public async Task AttachAsync(TaskHandle task, TaskNetwork? network, JsonObject spec, CancellationToken cancellationToken)
    {
        switch (network?.Mode ?? TaskNetworkMode.None)
        {
            case TaskNetworkMode.None:
                return;
            case TaskNetworkMode.Host:
                RemoveNetworkNamespace(spec);
                return;
        }
        var record = network!.Network ?? throw new ArgumentException("a bridge attachment needs its network", nameof(network));
        var list = await confLists.WriteAsync(record, cancellationToken);
        plugins.Find((string)Loopback["type"]!);
        lists.CheckInstalled(list);

        var path = netns.PathOf(task.Namespace, task.ContainerId);
        var attachment = new AttachmentRecord
        {
            Namespace = task.Namespace, ContainerId = task.ContainerId, NetworkName = record.Name, NetworkId = record.Id,
            CniContainerId = CniContainerId(task), Netns = path, IfName = IfName, ConfList = list,
            Names = [TaskNames.HostnameOf(spec, task.ContainerId), .. network.Names.Aliases],
            ExtraHosts = [.. network.Names.ExtraHosts.Select(h => $"{h.Name}:{h.Address}")],
        };
        try
        {
            // Host ports are chosen and the record (which publishes them to the next task's choice) written under one
            // lock; recorded before the ADD, so a runner that dies during it leaves what reconciliation needs for the DEL.
            using (await hostPorts.LockAsync(cancellationToken))
            {
                attachment = attachment with { Ports = await hostPorts.ChooseAsync(task, network.Ports, cancellationToken) };
                await cache.WriteAsync(attachment, cancellationToken);
            }
            await netns.CreateAsync(task.Namespace, task.ContainerId, cancellationToken);
            await plugins.RunAsync("ADD", Loopback, attachment.Invocation with { IfName = "lo" }, cancellationToken);
            var result = await lists.AddAsync(list, attachment.Invocation, cancellationToken);
            attachment = attachment with { Result = result };
            await cache.WriteAsync(attachment, CancellationToken.None);
            await names.WriteAsync(attachment, network.Names, spec, cancellationToken);
            logger.LogDebug("Task {Namespace}/{ContainerId} joined network {Network}: {Result}", task.Namespace, task.ContainerId, record.Name, result.ToJsonString());
        }
        catch (Exception)
        {
            try
            {
                await DetachAsync(task, CancellationToken.None);
            }
            catch (Exception undo)
            {
                logger.LogWarning(undo, "Undoing the failed network attach of {Namespace}/{ContainerId} failed; reconciliation retries it", task.Namespace, task.ContainerId);
            }
            throw;
        }
        SetNetworkNamespace(spec, path);
    }

    /// <summary>DEL of the task's attachment (when it has one), then its namespace file; nothing to do is not an error.</summary>
    public async Task DetachAsync(TaskHandle task, CancellationToken cancellationToken)
    {
        var path = netns.PathOf(task.Namespace, task.ContainerId);
        var attachment = cache.Read(task.Namespace, task.ContainerId);
        if (attachment is not null)
        {
            // A file left by a reboot is mounted on nothing: gone, the plugins skip the namespace and free the rest.
            if (File.Exists(attachment.Netns) && !netns.IsMounted(attachment.Netns))
                File.Delete(attachment.Netns);
            await lists.DeleteAsync(attachment.ConfList, attachment.Result, attachment.Invocation, cancellationToken);
            logger.LogDebug("Task {Namespace}/{ContainerId} left network {Network}", task.Namespace, task.ContainerId, attachment.NetworkName);
        }
        if (File.Exists(path))
            netns.Remove(path);
        cache.Remove(task.Namespace, task.ContainerId);
        await names.RemoveAsync(task.Namespace, task.ContainerId, attachment?.NetworkId, cancellationToken);
    }

    /// <summary>The tasks that have an attachment record or a namespace file here, for reconciliation.</summary>
    public IEnumerable<(string Namespace, string ContainerId)> ListOnDisk() => cache.List().Concat(netns.List()).Concat(names.List()).Distinct();

    /// <summary>The task's attachment (its ADD result included), or null.</summary>
    public AttachmentRecord? Read(TaskHandle task) => cache.Read(task.Namespace, task.ContainerId);

    private static JsonArray Namespaces(JsonObject spec)
    {
        if (spec["linux"] is not JsonObject linux)
            spec["linux"] = linux = [];
        if (linux["namespaces"] is not JsonArray namespaces)
            linux["namespaces"] = namespaces = [];
        return namespaces;
    }

    private static bool IsNetwork(JsonNode? entry) => entry is JsonObject o && o["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "network";

    private static void RemoveNetworkNamespace(JsonObject spec)
    {
        var namespaces = Namespaces(spec);
        for (var i = namespaces.Count - 1; i >= 0; i--)
            if (IsNetwork(namespaces[i]))
                namespaces.RemoveAt(i);
    }

    private static void SetNetworkNamespace(JsonObject spec, string path)
    {
        RemoveNetworkNamespace(spec);
        Namespaces(spec).Add(new JsonObject { ["type"] = "network", ["path"] = path });
    }
}
