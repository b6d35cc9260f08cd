namespace Platform.Bench;

/// <summary>
/// One pass of the metadata benchmark: creates, gets, filtered lists, label updates and deletes of <c>2 × count</c>
/// containers, sequentially and from concurrent callers. It ends with every container deleted, so passes can repeat.
/// </summary>
public sealed class MetadataWorkload(int count, int concurrency)
{
    /// <summary>The OCI spec every container carries (Platform as a string, containerd as the JSON bytes of an Any).</summary>
    public const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/sh"],"cwd":"/"},"root":{"path":"rootfs"}}""";
    public const string Runtime = "io.containerd.runc.v2";
    public const string Image = "docker.io/library/busybox:latest";
    public const string Filter = "labels.parity==even";
    public const int Lists = 20;

    private readonly string[] _sequential = Enumerable.Range(0, count).Select(i => $"s-{i:D6}").ToArray();
    private readonly string[] _concurrent = Enumerable.Range(0, count).Select(i => $"c-{i:D6}").ToArray();

    public int Count => count;

    public int Concurrency => concurrency;

    /// <summary>The labels of container number <paramref name="i"/>: half are even, which the filtered list selects.</summary>
    public static Dictionary<string, string> Labels(int i) => new() { ["parity"] = i % 2 == 0 ? "even" : "odd", ["bench"] = "true" };

    /// <summary>Runs the pass against <paramref name="target"/>; the results in order, one per line (the list's in milliseconds).</summary>
    /// <param name="print">Print each line as it is measured (the plain benchmark) or only return them (side by side).</param>
    public async Task<IReadOnlyList<Measure.Result>> RunAsync(IContainerMetadata target, bool print)
    {
        var results = new List<Measure.Result>();
        async Task Line(string name, int n, int callers, Func<int, Task> operation) =>
            results.Add(await Measure.RunAsync(name, n, callers, operation, print));

        await Line("containers.create.sequential", count, 1, i => target.CreateAsync(_sequential[i], i));
        await Line($"containers.create.concurrent{concurrency}", count, concurrency, i => target.CreateAsync(_concurrent[i], i));
        await Line("containers.get.sequential", count, 1, i => target.GetAsync(_sequential[i]));
        await Line($"containers.get.concurrent{concurrency}", count, concurrency, i => target.GetAsync(_concurrent[i]));

        var total = 2 * count;
        var listed = 0;
        await Line($"containers.list.label-filter.{total / 2}of{total}", Lists, 1, async _ => listed = await target.CountAsync(Filter));
        if (listed != total / 2)
            throw new InvalidOperationException($"the filtered list returned {listed} containers, expected {total / 2}");

        // Labelled apart from the consistent lines above: Platform reads its watch cache (no round trip), containerd,
        // which has none, reads as above.
        await using (var cached = await target.CachedReadsAsync())
        {
            await Line("containers.get.cached.sequential", count, 1, i => cached.GetAsync(_sequential[i]));
            await Line($"containers.get.cached.concurrent{concurrency}", count, concurrency, i => cached.GetAsync(_concurrent[i]));
            await Line($"containers.list.cached.label-filter.{total / 2}of{total}", Lists, 1, async _ => listed = await cached.CountAsync(Filter));
            if (listed != total / 2)
                throw new InvalidOperationException($"the cached filtered list returned {listed} containers, expected {total / 2}");
        }

        await Line("containers.label.sequential", count, 1, i => target.LabelAsync(_sequential[i], i));
        await Line($"containers.label.concurrent{concurrency}", count, concurrency, i => target.LabelAsync(_concurrent[i], i));
        await Line("containers.delete.sequential", count, 1, i => target.DeleteAsync(_sequential[i]));
        await Line($"containers.delete.concurrent{concurrency}", count, concurrency, i => target.DeleteAsync(_concurrent[i]));
        return results;
    }
}
