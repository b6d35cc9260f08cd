using Microsoft.Extensions.DependencyInjection;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Snapshots;
using Platform.ResourceGc.Store;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Crash;

/// <summary>
/// A host whose periodic pass never comes during a test (every hour), so each test decides when a pass runs and
/// can tell what that one pass did. The grace is short enough to wait out.
/// </summary>
public sealed class CrashFixture : PlatformFixture
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ResourceGc:PassInterval"] = "01:00:00",
        ["ResourceGc:Grace"] = Grace.ToString("c"),
    };

    public IResourceStore Store => Services.GetRequiredService<IResourceStore>();

    public Snapshotters Snapshotters => Services.GetRequiredService<Snapshotters>();

    /// <summary>The folder of a snapshot on disk, from its record.</summary>
    public async Task<(string Path, SnapshotRecord Record)> FolderOfAsync(string ns, string snapshotter, string key, CancellationToken ct)
    {
        var record = await Store.GetSnapshotAsync(ns, snapshotter, key, ct) ?? throw new InvalidOperationException($"no record of {snapshotter}/{key}");
        return (FolderOf(snapshotter, record.DirId), record);
    }

    public string FolderOf(string snapshotter, long dirId) => Path.Combine(DataRoot, "snapshots", snapshotter, dirId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Runs passes until <paramref name="done"/> holds, failing after <paramref name="within"/>.</summary>
    public async Task PassUntilAsync(Func<Task<bool>> done, string because, CancellationToken ct, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            await Client.Gc.CollectAsync(cancellationToken: ct);
            if (await done())
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"not repaired by the passes of {(within ?? TimeSpan.FromSeconds(20)).TotalSeconds} s: {because}");
            await Task.Delay(250, ct);
        }
    }

    public async Task<bool> ExistsAsync(string ns, string snapshotter, string key, CancellationToken ct)
    {
        try
        {
            await Client.Snapshots.StatAsync(key, snapshotter, ns, ct);
            return true;
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            return false;
        }
    }

    /// <summary>What the metadata service sends before it commits a container: the reference, then (here: never) the commit.</summary>
    public Task<ReferenceResult> AddReferenceAsync(string ns, string snapshotter, string key, string ownerId, long generation, CancellationToken ct) =>
        Client.RequestAsync<AddReference, ReferenceResult>(QueueNames.Of<AddReference>(), new AddReference
        {
            Namespace = ns, Resource = new ResourceRef { Kind = "snapshot", Snapshotter = snapshotter, Key = key },
            OwnerKind = "container", OwnerId = ownerId, OwnerGeneration = generation,
        }, ct);
}
