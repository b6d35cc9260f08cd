using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Collection;

/// <summary>
/// The reference graph as pure functions, apart from storage: roots are snapshots referenced by an owner,
/// held by a live lease or labelled as roots; a reachable snapshot keeps its parent chain alive.
/// </summary>
public static class GcGraph
{
    public static (string, string, string) Node(SnapshotRecord s) => (s.Namespace, s.Snapshotter, s.Key);

    public static HashSet<(string, string, string)> Reachable(ResourceGraph graph, DateTimeOffset now)
    {
        var byKey = graph.Snapshots.ToDictionary(Node);
        var liveLeases = graph.Leases.Where(l => l.IsLive(now)).Select(l => (l.Namespace, l.Id)).ToHashSet();
        var roots = graph.References.Select(r => (r.Namespace, r.Snapshotter, r.Key))
            .Concat(graph.LeaseResources.Where(h => liveLeases.Contains((h.Namespace, h.LeaseId))).Select(h => (h.Namespace, h.Snapshotter, h.Key)))
            .Concat(graph.Snapshots.Where(s => s.Labels.ContainsKey(GcLabels.Root)).Select(Node));

        var alive = new HashSet<(string, string, string)>();
        foreach (var root in roots)
        {
            for (var node = root; alive.Add(node) && byKey.TryGetValue(node, out var s) && s.Parent is not null;)
                node = (s.Namespace, s.Snapshotter, s.Parent);
        }
        return alive;
    }

    /// <summary>The snapshots by (namespace, snapshotter, key), for <see cref="Depth(IReadOnlyDictionary{ValueTuple{string, string, string}, SnapshotRecord}, SnapshotRecord)"/>.</summary>
    public static Dictionary<(string, string, string), SnapshotRecord> Index(ResourceGraph graph) => graph.Snapshots.ToDictionary(Node);

    /// <summary>How many ancestors a snapshot has: removing deeper ones first frees their parents in the same pass.</summary>
    public static int Depth(ResourceGraph graph, SnapshotRecord snapshot) => Depth(Index(graph), snapshot);

    /// <summary>
    /// <see cref="Depth(ResourceGraph, SnapshotRecord)"/> over an index built once: a pass asks for the depth of every
    /// garbage snapshot, and rebuilding the index for each made a pass over 100,000 records with 1% garbage spend 20 s here.
    /// </summary>
    public static int Depth(IReadOnlyDictionary<(string, string, string), SnapshotRecord> byKey, SnapshotRecord snapshot)
    {
        var depth = 0;
        for (var s = snapshot; s.Parent is not null && byKey.TryGetValue((s.Namespace, s.Snapshotter, s.Parent), out var parent) && depth < 10_000; s = parent)
            depth++;
        return depth;
    }

    /// <summary>
    /// Why a snapshot is alive: every chain from it to a root, as readable steps; none when it is garbage.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Explain(ResourceGraph graph, string ns, string snapshotter, string key, DateTimeOffset now)
    {
        var children = graph.Snapshots.Where(s => s.Parent is not null)
            .ToLookup(s => (s.Namespace, s.Snapshotter, s.Parent!));
        var chains = new List<IReadOnlyList<string>>();
        var path = new List<string>();
        void Walk(string k, int depth, string step)
        {
            path.Add(step);
            var node = graph.Snapshots.FirstOrDefault(s => s.Namespace == ns && s.Snapshotter == snapshotter && s.Key == k);
            if (node is not null && node.Labels.ContainsKey(GcLabels.Root))
                chains.Add([.. path, $"root label {GcLabels.Root}"]);
            foreach (var r in graph.References.Where(r => r.Namespace == ns && r.Snapshotter == snapshotter && r.Key == k))
                chains.Add([.. path, $"referenced by {r.OwnerKind} {ns}/{r.OwnerId}"]);
            foreach (var h in graph.LeaseResources.Where(h => h.Namespace == ns && h.Snapshotter == snapshotter && h.Key == k))
            {
                var lease = graph.Leases.FirstOrDefault(l => l.Namespace == ns && l.Id == h.LeaseId);
                if (lease is not null && lease.IsLive(now))
                    chains.Add([.. path, $"held by lease {ns}/{lease.Id}{(lease.ExpiresAt is { } e ? $" until {e:O}" : "")}"]);
            }
            if (depth < 256)
                foreach (var child in children[(ns, snapshotter, k)])
                    Walk(child.Key, depth + 1, $"parent of snapshot {snapshotter}/{child.Key}");
            path.RemoveAt(path.Count - 1);
        }
        Walk(key, 0, $"snapshot {snapshotter}/{key}");
        return chains;
    }
}
