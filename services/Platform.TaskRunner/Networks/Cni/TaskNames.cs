using Platform.Common.Networks;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>
/// Names on a network, docker's way for user networks but with files rather than a DNS server: each task joined to a
/// network gets <c>/etc/hosts</c>, <c>/etc/hostname</c> and <c>/etc/resolv.conf</c> bind-mounted from
/// <c>{DataRoot}/networks/names/{ns}/{id}/</c> (unless its spec mounts those paths itself). Its hosts file lists every
/// member of the network by its hostname, container id and aliases, and is rewritten in place (the same inode, so the
/// bind mount shows it) for every member whenever a task joins or leaves. resolv.conf takes <c>--dns</c>, else the
/// host's name servers without loopback ones (they would be the task's own loopback).
/// </summary>
public sealed class TaskNames(AttachmentCache cache, IOptions<StoreOptions> store)
{
    private static readonly string[] Files = ["hosts", "hostname", "resolv.conf"];

    private readonly SemaphoreSlim _lock = new(1, 1);

    public string Dir { get; } = Path.Combine(Path.GetFullPath(store.Value.DataRoot), "networks", "names");

    public string FolderOf(string ns, string id) => Path.Combine(Dir, ns, id);

    /// <summary>After the ADD (its record has the address): the task's files, their mounts in the spec, and every member's hosts again.</summary>
    public async Task WriteAsync(AttachmentRecord attachment, NameSettings names, JsonObject spec, CancellationToken cancellationToken)
    {
        var folder = FolderOf(attachment.Namespace, attachment.ContainerId);
        PrivateFiles.EnsureFolder(Dir);
        PrivateFiles.EnsureFolder(Path.GetDirectoryName(folder)!);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "hostname"), attachment.Names[0] + "\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "resolv.conf"), ResolvConf(names.Dns), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "hosts"), "", cancellationToken);
        foreach (var file in Files)
            Mount(spec, "/etc/" + file, Path.Combine(folder, file));
        await RefreshAsync(attachment.NetworkId, cancellationToken);
    }

    /// <summary>The task left: its files go, and the other members' hosts no longer list it.</summary>
    public async Task RemoveAsync(string ns, string id, string? networkId, CancellationToken cancellationToken)
    {
        var folder = FolderOf(ns, id);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        NamespaceFolders.DeleteIfEmpty(Path.GetDirectoryName(folder)!);
        if (networkId is not null)
            await RefreshAsync(networkId, cancellationToken);
    }

    /// <summary>Every task with a names folder: (namespace, container id).</summary>
    public IEnumerable<(string Namespace, string ContainerId)> List() =>
        Directory.Exists(Dir)
            ? Directory.EnumerateDirectories(Dir).SelectMany(ns => Directory.EnumerateDirectories(ns).Select(id => (Path.GetFileName(ns), Path.GetFileName(id))))
            : [];

    /// <summary>The name for a task: the spec's hostname, else its container id.</summary>
    public static string HostnameOf(JsonObject spec, string containerId) =>
        spec["hostname"] is JsonValue value && value.TryGetValue<string>(out var name) && name.Length > 0 ? name : containerId;

    private async Task RefreshAsync(string networkId, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var members = cache.List().Select(t => cache.Read(t.Namespace, t.ContainerId))
                .OfType<AttachmentRecord>()
                .Where(a => a.NetworkId == networkId && a.Address is not null)
                .OrderBy(a => a.Namespace, StringComparer.Ordinal).ThenBy(a => a.ContainerId, StringComparer.Ordinal)
                .ToList();
            foreach (var member in members)
            {
                var hosts = Path.Combine(FolderOf(member.Namespace, member.ContainerId), "hosts");
                // Written in place: a new file would not be the one bind-mounted into the running task.
                if (File.Exists(hosts))
                    await File.WriteAllTextAsync(hosts, Hosts(member, members), cancellationToken);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private static string Hosts(AttachmentRecord self, IReadOnlyList<AttachmentRecord> members)
    {
        var text = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        foreach (var member in members.Where(m => m.ContainerId != self.ContainerId || m.Namespace != self.Namespace).Prepend(self))
            text.Append(member.Address).Append('\t').AppendJoin(' ', member.Names.Prepend(member.ContainerId).Distinct(StringComparer.Ordinal)).Append('\n');
        foreach (var extra in self.ExtraHosts)
        {
            var colon = extra.IndexOf(':');
            text.Append(extra[(colon + 1)..]).Append('\t').Append(extra[..colon]).Append('\n');
        }
        return text.ToString();
    }

    private static string ResolvConf(IReadOnlyList<string> dns)
    {
        var servers = dns.Count > 0 ? dns : HostNameServers();
        var text = new StringBuilder();
        foreach (var server in servers)
            text.Append("nameserver ").Append(server).Append('\n');
        return text.ToString();
    }

    private static IReadOnlyList<string> HostNameServers()
    {
        if (!File.Exists("/etc/resolv.conf"))
            return [];
        return [.. File.ReadAllLines("/etc/resolv.conf")
            .Select(l => l.Trim().Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 2 && f[0] == "nameserver" && IPAddress.TryParse(f[1], out var a) && !IPAddress.IsLoopback(a))
            .Select(f => f[1])];
    }

    // A mount the spec already has for the path (a user's -v) wins.
    private static void Mount(JsonObject spec, string destination, string source)
    {
        if (spec["mounts"] is not JsonArray mounts)
            spec["mounts"] = mounts = [];
        if (mounts.OfType<JsonObject>().Any(m => (string?)m["destination"] == destination))
            return;
        mounts.Add((JsonNode)new JsonObject
        {
            ["destination"] = destination, ["type"] = "bind", ["source"] = source, ["options"] = new JsonArray("rbind", "rprivate"),
        });
    }
}
