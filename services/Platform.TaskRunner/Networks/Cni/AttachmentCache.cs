using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.Common.Networks;
using Platform.Hosting.Options;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>Attachment records, <c>{DataRoot}/networks/attachments/{ns}/{id}.json</c>: one per task attached through CNI.</summary>
public sealed class AttachmentCache(IOptions<StoreOptions> store)
{
    private const string Suffix = ".json";

    public string Dir { get; } = Path.Combine(Path.GetFullPath(store.Value.DataRoot), "networks", "attachments");

    public string PathOf(string ns, string id) => Path.Combine(Dir, ns, id + Suffix);

    public async Task WriteAsync(AttachmentRecord record, CancellationToken cancellationToken)
    {
        var path = PathOf(record.Namespace, record.ContainerId);
        PrivateFiles.EnsureFolder(Dir);
        PrivateFiles.EnsureFolder(Path.GetDirectoryName(path)!);
        var json = new JsonObject
        {
            ["namespace"] = record.Namespace,
            ["containerId"] = record.ContainerId,
            ["networkName"] = record.NetworkName,
            ["networkId"] = record.NetworkId,
            ["cniContainerId"] = record.CniContainerId,
            ["netns"] = record.Netns,
            ["ifName"] = record.IfName,
            ["confList"] = record.ConfList.DeepClone(),
            ["result"] = record.Result?.DeepClone(),
            ["ports"] = record.Ports.Count == 0 ? null : PortMapping.FormatList(record.Ports),
            ["names"] = new JsonArray([.. record.Names.Select(n => (JsonNode)n)]),
            ["extraHosts"] = new JsonArray([.. record.ExtraHosts.Select(n => (JsonNode)n)]),
        };
        // Written whole then renamed: a crash mid-write must not leave a record DEL can't read.
        var temp = path + ".tmp";
        await PrivateFiles.WriteAllTextAsync(temp, json.ToJsonString(), cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The task's record; null when it has none or only an unreadable one (a crash before its first write).</summary>
    public AttachmentRecord? Read(string ns, string id)
    {
        var path = PathOf(ns, id);
        if (!File.Exists(path))
            return null;
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            return new AttachmentRecord
            {
                Namespace = (string)json["namespace"]!,
                ContainerId = (string)json["containerId"]!,
                NetworkName = (string)json["networkName"]!,
                NetworkId = (string)json["networkId"]!,
                CniContainerId = (string)json["cniContainerId"]!,
                Netns = (string)json["netns"]!,
                IfName = (string)json["ifName"]!,
                ConfList = json["confList"]!.AsObject().DeepClone().AsObject(),
                Result = json["result"] is JsonObject result ? result.DeepClone().AsObject() : null,
                Ports = PortMapping.ParseList((string?)json["ports"]),
                Names = Strings(json["names"]),
                ExtraHosts = Strings(json["extraHosts"]),
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or Platform.Common.Errors.PlatformException)
        {
            return null;
        }
    }

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => (string?)n).OfType<string>()] : [];

    public void Remove(string ns, string id)
    {
        var path = PathOf(ns, id);
        var parent = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(parent))
            return;
        File.Delete(path);
        File.Delete(path + ".tmp");
        NamespaceFolders.DeleteIfEmpty(parent);
    }

    /// <summary>Every task with a record (or a half-written one): (namespace, container id).</summary>
    public IEnumerable<(string Namespace, string ContainerId)> List()
    {
        if (!Directory.Exists(Dir))
            yield break;
        foreach (var ns in Directory.EnumerateDirectories(Dir))
        foreach (var file in Directory.EnumerateFiles(ns))
        {
            var name = Path.GetFileName(file);
            var id = name.EndsWith(Suffix + ".tmp", StringComparison.Ordinal) ? name[..^(Suffix.Length + 4)]
                : name.EndsWith(Suffix, StringComparison.Ordinal) ? name[..^Suffix.Length] : null;
            if (id is not null)
                yield return (Path.GetFileName(ns), id);
        }
    }
}
