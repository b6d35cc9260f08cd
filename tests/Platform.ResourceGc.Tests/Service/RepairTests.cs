using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Drivers;
using Platform.ResourceGc.Store;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>A host that runs a full pass every quarter second on its own, with a short grace.</summary>
public sealed class BusyCollectorFixture : PlatformFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ResourceGc:Grace"] = "00:00:00.100",
        ["ResourceGc:PassInterval"] = "00:00:00.250",
    };
}

/// <summary>What a crash can leave (DESIGN.md invariant 3): a pass removes it once it is older than the grace period.</summary>
public sealed class When_a_pass_repairs_what_a_crash_left(ShortGraceFixture fixture) : IClassFixture<ShortGraceFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_remove_a_folder_no_record_refers_to(string sn)
    {
        var client = fixture.Client;
        var orphan = Crash.Folder(fixture, sn, 900_000_000_000 + Random.Shared.Next(1_000_000));
        var notOurs = Path.Combine(Folders.Root(fixture, sn), "not-a-snapshot");
        Directory.CreateDirectory(notOurs);
        var ns = Unique.Namespace("orphan");
        var live = await client.CommittedAsync(ns, sn, "kept");
        await client.Snapshots.SetLabelsAsync("kept", new Dictionary<string, string?> { ["platform.io/gc.root"] = "yes" }, sn, ns, Ct);

        await client.Gc.CollectAsync(cancellationToken: Ct);

        Assert.False(Directory.Exists(orphan));
        Assert.True(Directory.Exists(notOurs));
        Assert.True(Directory.Exists(Folders.Fs(live)));
    }

    [Fact]
    public async Task Should_remove_an_allocated_folder_whose_record_never_came_once_the_grace_is_over()
    {
        var client = fixture.Client;
        var store = fixture.Services.GetRequiredService<IResourceStore>();
        var id = await store.AllocateDirIdAsync(DateTimeOffset.UtcNow, Ct);
        var folder = Crash.Folder(fixture, Sn.Overlay, id);

        await Eventually.TrueAsync(async () =>
        {
            await client.Gc.CollectAsync(cancellationToken: Ct);
            return !Directory.Exists(folder);
        }, Ct, because: $"folder {folder} should be removed");
    }

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_drop_a_reference_whose_container_never_existed_then_collect_the_snapshot(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("ghost");
        var folder = Folders.Of(await client.PrepareAsync(ns, sn, "rootfs"));
        await client.AddReferenceAsync(ns, sn, "rootfs", "ghost");
        Assert.Equal([$"referenced by container {ns}/ghost"], await client.ContainerReasonsAsync(ns, sn, "rootfs"));

        await client.SnapshotGoneAsync(ns, sn, "rootfs", folder, collect: true);
    }

    [Fact]
    public async Task Should_drop_a_reference_of_an_earlier_incarnation_but_keep_the_living_containers()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("stale");
        var staleFolder = Folders.Of(await client.PrepareAsync(ns, Sn.Overlay, "old"));
        var liveFolder = Folders.Of(await client.PrepareAsync(ns, Sn.Overlay, "current"));
        var web = await client.CreateContainerAsync(ns, "web", Sn.Overlay, "current");
        await client.AddReferenceAsync(ns, Sn.Overlay, "old", "web", web.CreatedAt.UtcTicks - 1);

        await client.SnapshotGoneAsync(ns, Sn.Overlay, "old", staleFolder, collect: true);

        // Passes well past the grace still find the living container and keep its snapshot.
        await client.Gc.CollectAsync(cancellationToken: Ct);
        Assert.True(await client.SnapshotExistsAsync(ns, Sn.Overlay, "current"));
        Assert.True(Directory.Exists(liveFolder));
        Assert.Equal([$"referenced by container {ns}/web"], await client.ContainerReasonsAsync(ns, Sn.Overlay, "current"));
    }

    [Fact]
    public async Task Should_remove_an_abandoned_import_file()
    {
        var client = fixture.Client;
        var imports = Path.Combine(fixture.DataRoot, "imports");
        Directory.CreateDirectory(imports);
        var abandoned = Path.Combine(imports, $"{Guid.NewGuid():N}.part");
        await File.WriteAllBytesAsync(abandoned, new byte[4096], Ct);

        await Eventually.TrueAsync(async () =>
        {
            await client.Gc.CollectAsync(cancellationToken: Ct);
            return !File.Exists(abandoned);
        }, Ct, because: $"{abandoned} should be removed");
    }
}

/// <summary>Work younger than the grace period may still be in flight: a pass leaves it alone.</summary>
public sealed class When_a_pass_meets_work_in_flight(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_keep_a_fresh_reference_whose_owner_is_not_there_yet()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("inflight");
        var folder = Folders.Of(await client.PrepareAsync(ns, Sn.Overlay, "rootfs"));
        await client.AddReferenceAsync(ns, Sn.Overlay, "rootfs", "coming");

        await client.Gc.CollectAsync(cancellationToken: Ct);

        Assert.True(await client.SnapshotExistsAsync(ns, Sn.Overlay, "rootfs"));
        Assert.True(Directory.Exists(folder));
        Assert.Equal([$"referenced by container {ns}/coming"], await client.ContainerReasonsAsync(ns, Sn.Overlay, "rootfs"));
    }

    [Fact]
    public async Task Should_keep_a_freshly_allocated_folder_but_remove_one_never_allocated()
    {
        var client = fixture.Client;
        var store = fixture.Services.GetRequiredService<IResourceStore>();
        var fresh = Crash.Folder(fixture, Sn.Native, await store.AllocateDirIdAsync(DateTimeOffset.UtcNow, Ct));
        var unknown = Crash.Folder(fixture, Sn.Native, 800_000_000_000 + Random.Shared.Next(1_000_000));

        await client.Gc.CollectAsync(cancellationToken: Ct);

        Assert.True(Directory.Exists(fresh));
        Assert.False(Directory.Exists(unknown));
    }

    [Fact]
    public async Task Should_remove_an_old_import_file_but_keep_a_fresh_one()
    {
        var client = fixture.Client;
        var imports = Path.Combine(fixture.DataRoot, "imports");
        Directory.CreateDirectory(imports);
        var old = Path.Combine(imports, $"{Guid.NewGuid():N}.part");
        var fresh = Path.Combine(imports, $"{Guid.NewGuid():N}.part");
        await File.WriteAllBytesAsync(old, new byte[10], Ct);
        await File.WriteAllBytesAsync(fresh, new byte[10], Ct);
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddMinutes(-5));

        await client.Gc.CollectAsync(cancellationToken: Ct);

        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
    }
}

/// <summary>SEMANTICS.md: what became garbage is collected even when everything then goes quiet.</summary>
public sealed class When_everything_goes_quiet(BusyCollectorFixture fixture) : IClassFixture<BusyCollectorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_collect_leftovers_without_being_asked()
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("quiet");
        // Set up under a lease: the periodic pass would otherwise take the snapshot before its reference exists.
        await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "setup" }, Ct);
        var ghostFolder = Folders.Of(await client.PrepareAsync(ns, Sn.Overlay, "ghost-rootfs", leaseId: "setup"));
        await client.AddReferenceAsync(ns, Sn.Overlay, "ghost-rootfs", "ghost");
        await client.Leases.DeleteAsync("setup", ns, Ct);
        var leasedFolder = Folders.Of(await client.PrepareAsync(ns, Sn.Native, "leased",
            leaseId: (await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "brief", ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(1) }, Ct)).Id));
        var orphan = Crash.Folder(fixture, Sn.Overlay, 700_000_000_000 + Random.Shared.Next(1_000_000));

        await Eventually.TrueAsync(async () =>
                !Directory.Exists(orphan) && !Directory.Exists(ghostFolder) && !Directory.Exists(leasedFolder)
                && !await client.SnapshotExistsAsync(ns, Sn.Overlay, "ghost-rootfs") && !await client.SnapshotExistsAsync(ns, Sn.Native, "leased"),
            Ct, TimeSpan.FromSeconds(20), "the periodic pass should remove the orphan folder, the dangling reference's snapshot and the expired lease's snapshot");
        Assert.Empty(await client.Leases.ListAsync(null, ns, Ct));
    }
}

/// <summary>Stages on disk what a crash leaves.</summary>
internal static class Crash
{
    /// <summary>A snapshot folder as a crash leaves it: files, a partial copy, and an overlay work dir nobody may enter.</summary>
    public static string Folder(PlatformFixture fixture, string snapshotter, long id)
    {
        var folder = Path.Combine(Folders.Root(fixture, snapshotter), id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.Combine(folder, "fs", "etc"));
        File.WriteAllText(Path.Combine(folder, "fs", "x"), "left over");
        Directory.CreateDirectory(Path.Combine(folder, "fs.partial"));
        var work = Path.Combine(folder, "work", "work");
        Directory.CreateDirectory(work);
        LinuxCalls.SetMode(work, UnixFileMode.None);
        return folder;
    }
}
