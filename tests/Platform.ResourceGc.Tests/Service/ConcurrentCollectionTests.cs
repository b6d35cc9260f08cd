using Platform.Contracts.Resources;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>A host whose periodic pass runs every 100 ms (with the normal grace period).</summary>
public sealed class FrequentPassFixture : PlatformFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["ResourceGc:PassInterval"] = "00:00:00.100" };
}

/// <summary>
/// DESIGN.md invariant 2 with no lock: passes run all the time while clients prepare snapshots under leases,
/// create containers on them and drop the leases, the way SEMANTICS.md tells clients to. No snapshot a
/// container uses may go; all of them go once their containers do.
/// </summary>
public sealed class When_passes_race_with_clients(FrequentPassFixture fixture) : IClassFixture<FrequentPassFixture>
{
    private const int Containers = 24;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_never_collect_a_snapshot_a_container_uses(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("race");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var passes = 0;
        var hammer = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await client.Gc.CollectAsync(cancellationToken: stop.Token);
                    Interlocked.Increment(ref passes);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }, Ct);
        var folders = new string[Containers];

        await Parallel.ForEachAsync(Enumerable.Range(0, Containers), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (i, _) =>
        {
            var lease = await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = $"setup-{i}" }, Ct);
            await client.CommittedAsync(ns, sn, $"base-{i}", leaseId: lease.Id);
            folders[i] = Folders.Of(await client.PrepareAsync(ns, sn, $"rootfs-{i}", parent: $"base-{i}", leaseId: lease.Id));
            await client.CreateContainerAsync(ns, $"c{i}", sn, $"rootfs-{i}");
            await client.Leases.DeleteAsync(lease.Id, ns, Ct);
        });
        await Eventually.TrueAsync(() => Volatile.Read(ref passes) >= 3, Ct, because: "passes should have run meanwhile and after");
        await stop.CancelAsync();
        await hammer;

        for (var i = 0; i < Containers; i++)
        {
            Assert.Equal([$"referenced by container {ns}/c{i}"], await client.ContainerReasonsAsync(ns, sn, $"rootfs-{i}"));
            Assert.True(await client.SnapshotExistsAsync(ns, sn, $"base-{i}"));
            Assert.True(Directory.Exists(Folders.Fs(folders[i])));
        }

        for (var i = 0; i < Containers; i++)
            await client.DeleteContainerAsync(ns, $"c{i}");
        await Eventually.TrueAsync(async () => (await client.KeysAsync(ns, sn)).Count == 0 && folders.All(f => !Directory.Exists(f)), Ct,
            TimeSpan.FromSeconds(30), "every snapshot should go once its container is deleted");
    }
}
