using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Resources;
using Platform.ResourceGc.Collection;
using Platform.ResourceGc.Snapshots;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>The system clock, plus an offset a test can move forward.</summary>
public sealed class AdjustableClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
}

/// <summary>A host whose services read an <see cref="AdjustableClock"/>.</summary>
public sealed class AdjustableClockFixture : PlatformFixture
{
    public AdjustableClock Clock { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>
/// A snapshot whose folder takes longer than the grace period to fill (a big import, a big copy) is not a
/// leftover: a pass running meanwhile must not take its folder, or the record would be written without data.
/// </summary>
public sealed class When_a_snapshot_takes_long_to_create(AdjustableClockFixture fixture) : IClassFixture<AdjustableClockFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Sn.Overlay)]
    [InlineData(Sn.Native)]
    public async Task Should_keep_its_folder_through_a_pass_that_runs_meanwhile(string sn)
    {
        var client = fixture.Client;
        var ns = Unique.Namespace("slow");
        var snapshots = fixture.Services.GetRequiredService<SnapshotService>();
        var collector = fixture.Services.GetRequiredService<Collector>();
        var driver = fixture.Services.GetRequiredService<Snapshotters>().Get(sn);
        await client.Leases.CreateAsync(new CreateLease { Namespace = ns, Id = "import" }, Ct);
        var filled = false;

        await snapshots.CreateFilledAsync(ns, driver, "layer", null, new Dictionary<string, string>(), "import", SnapshotKind.Committed, async dirId =>
        {
            await File.WriteAllTextAsync(Path.Combine(driver.FilesPath(dirId), "first-half"), "1", Ct);
            fixture.Clock.Advance(TimeSpan.FromHours(1)); // the fill has taken far longer than the grace
            await collector.RunPassAsync(dryRun: false, Ct);
            Assert.True(driver.Exists(dirId), "a pass removed the folder of a snapshot being created");
            await File.WriteAllTextAsync(Path.Combine(driver.FilesPath(dirId), "second-half"), "2", Ct);
            filled = true;
        }, Ct);

        Assert.True(filled);
        var stat = await client.Snapshots.StatAsync("layer", sn, ns, Ct);
        Assert.Equal(SnapshotKind.Committed, stat.Kind);
        await client.Gc.CollectAsync(cancellationToken: Ct);
        var view = await client.Snapshots.ViewAsync(new ViewSnapshot { Namespace = ns, Snapshotter = sn, Key = "look", Parent = "layer" }, Ct);
        var files = Assert.Single(view.Mounts).Source;
        Assert.Equal("1", await File.ReadAllTextAsync(Path.Combine(files, "first-half"), Ct));
        Assert.Equal("2", await File.ReadAllTextAsync(Path.Combine(files, "second-half"), Ct));
    }
}
