using Platform.ResourceGc.Store;

namespace Platform.ResourceGc.Collection;

/// <summary>
/// The reference graph as pure functions, apart from storage. A node is (namespace, space, key): a snapshot's space is
/// its snapshotter, content's is <see cref="ResourceSpaces.Content"/> with the digest as key. Roots are resources
/// referenced by an owner (container, task, image), held by a live lease or labelled as roots. Edges: a snapshot keeps
/// its parent; a content record's GC labels keep the content and snapshots they name (same namespace).
/// </summary>
public static class GcGraph
{
    public static (string, string, string) Node(SnapshotRecord s) => (s.Namespace, s.Snapshotter, s.Key);

    public static (string, string, string) Node(ContentRecord c) => (c.Namespace, ResourceSpaces.Content, c.Digest);

    public static HashSet<(string, string, string)> Reachable(ResourceGraph graph, DateTimeOffset now)
    {
        var snapshots = graph.Snapshots.ToDictionary(Node);
        var contents = graph.Contents.ToDictionary(Node);
        var liveLeases = graph.Leases.Where(l => l.IsLive(now)).Select(l => (l.Namespace, l.Id)).ToHashSet();
        var pending = new Stack<(string, string, string)>(graph.References.Select(r => (r.Namespace, r.Snapshotter, r.Key))
            .Concat(graph.LeaseResources.Where(h => liveLeases.Contains((h.Namespace, h.LeaseId))).Select(h => (h.Namespace, h.Snapshotter, h.Key)))
            .Concat(graph.Snapshots.Where(s => s.Labels.ContainsKey(GcLabels.Root)).Select(Node))
            .Concat(graph.Contents.Where(c => c.Labels.ContainsKey(GcLabels.Root)).Select(Node)));

        var alive = new HashSet<(string, string, string)>();
        while (pending.TryPop(out var node))
        {
            if (!alive.Add(node))
                continue;
            if (snapshots.TryGetValue(node, out var s) && s.Parent is not null)
                pending.Push((s.Namespace, s.Snapshotter, s.Parent));
            else if (contents.TryGetValue(node, out var c))
                foreach (var edge in c.Edges)
                    pending.Push((edge.Namespace, edge.ToSpace, edge.ToKey));
        }
        return alive;
    }

    /// <summary>
    /// The order in which to remove <paramref name="garbage"/> so that each goes after everything in it that refers to it
    /// (a child before its parent, a labelling record before what it labels): then each removal's "nothing refers to it"
    /// precondition holds when its turn comes, and a whole unreachable manifest → config → layers → snapshot chain goes in
    /// one pass. Nodes in a cycle of labels can never satisfy that precondition; they come last and stay.
    /// </summary>
    public static List<(string, string, string)> RemovalOrder(ResourceGraph graph, IReadOnlyCollection<(string, string, string)> garbage)
    {
        var set = garbage.ToHashSet();
        var targets = new Dictionary<(string, string, string), List<(string, string, string)>>();
        var referrers = set.ToDictionary(n => n, _ => 0);
        void Edge((string, string, string) from, (string, string, string) to)
        {
            if (from == to || !set.Contains(from) || !set.Contains(to))
                return;
            (targets.TryGetValue(from, out var list) ? list : targets[from] = []).Add(to);
            referrers[to]++;
        }
        foreach (var s in graph.Snapshots.Where(s => s.Parent is not null))
            Edge(Node(s), (s.Namespace, s.Snapshotter, s.Parent!));
        foreach (var c in graph.Contents)
            foreach (var edge in c.Edges)
                Edge(Node(c), (edge.Namespace, edge.ToSpace, edge.ToKey));

        var order = new List<(string, string, string)>(set.Count);
        var ready = new Queue<(string, string, string)>(garbage.Where(n => referrers[n] == 0));
        while (ready.TryDequeue(out var node))
        {
            order.Add(node);
            foreach (var target in targets.GetValueOrDefault(node) ?? [])
                if (--referrers[target] == 0)
                    ready.Enqueue(target);
        }
        order.AddRange(garbage.Where(n => referrers[n] > 0));
        return order;
    }

    /// <summary>The snapshots by (namespace, snapshotter, key), for <see cref="Depth(IReadOnlyDictionary{ValueTuple{string, string, string}, SnapshotRecord}, SnapshotRecord)"/>.</summary>
    public static Dictionary<(string, string, string), SnapshotRecord> Index(ResourceGraph graph) => graph.Snapshots.ToDictionary(Node);

    /// <summary>How many ancestors a snapshot has.</summary>
    public static int Depth(ResourceGraph graph, SnapshotRecord snapshot) => Depth(Index(graph), snapshot);

    /// <summary><see cref="Depth(ResourceGraph, SnapshotRecord)"/> over an index built once.</summary>
    public static int Depth(IReadOnlyDictionary<(string, string, string), SnapshotRecord> byKey, SnapshotRecord snapshot)
    {
        var depth = 0;
        for (var s = snapshot; s.Parent is not null && byKey.TryGetValue((s.Namespace, s.Snapshotter, s.Parent), out var parent) && depth < 10_000; s = parent)
            depth++;
        return depth;
    }

    /// <summary>
    /// Why a resource (snapshot or content) is alive: every chain from it to a root, as readable steps; none when it is
    /// garbage. Chains go up through children ("parent of snapshot …") and through content labels ("labelled by content …").
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Explain(ResourceGraph graph, string ns, string space, string key, DateTimeOffset now)
    {
        var children = graph.Snapshots.Where(s => s.Parent is not null).ToLookup(s => (s.Namespace, s.Snapshotter, s.Parent!));
        var labellers = graph.Contents.SelectMany(c => c.Edges).ToLookup(e => (e.Namespace, e.ToSpace, e.ToKey));
        var snapshots = graph.Snapshots.Where(s => s.Namespace == ns).ToDictionary(s => (s.Snapshotter, s.Key));
        var contents = graph.Contents.Where(c => c.Namespace == ns).ToDictionary(c => c.Digest);
        var chains = new List<IReadOnlyList<string>>();
        var path = new List<string>();
        var onPath = new HashSet<(string, string)>();
        void Walk(string sp, string k, string step)
        {
            if (!onPath.Add((sp, k)))
                return;
            path.Add(step);
            var labels = ResourceSpaces.IsContent(sp) ? contents.GetValueOrDefault(k)?.Labels : snapshots.GetValueOrDefault((sp, k))?.Labels;
            if (labels is not null && labels.ContainsKey(GcLabels.Root))
                chains.Add([.. path, $"root label {GcLabels.Root}"]);
            foreach (var r in graph.References.Where(r => r.Namespace == ns && r.Snapshotter == sp && r.Key == k))
                chains.Add([.. path, $"referenced by {r.OwnerKind} {ns}/{r.OwnerId}"]);
            foreach (var h in graph.LeaseResources.Where(h => h.Namespace == ns && h.Snapshotter == sp && h.Key == k))
            {
                var lease = graph.Leases.FirstOrDefault(l => l.Namespace == ns && l.Id == h.LeaseId);
                if (lease is not null && lease.IsLive(now))
                    chains.Add([.. path, $"held by lease {ns}/{lease.Id}{(lease.ExpiresAt is { } e ? $" until {e:O}" : "")}"]);
            }
            if (path.Count <= 256)
            {
                foreach (var child in children[(ns, sp, k)])
                    Walk(sp, child.Key, $"parent of snapshot {sp}/{child.Key}");
                foreach (var edge in labellers[(ns, sp, k)].Where(e => e.FromDigest != k || !ResourceSpaces.IsContent(sp)))
                    Walk(ResourceSpaces.Content, edge.FromDigest, $"labelled by content {edge.FromDigest} ({edge.Label})");
            }
            path.RemoveAt(path.Count - 1);
            onPath.Remove((sp, k));
        }
        Walk(space, key, ResourceSpaces.IsContent(space) ? $"content {key}" : $"snapshot {space}/{key}");
        return chains;
    }
}
