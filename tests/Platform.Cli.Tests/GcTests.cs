using System.Text.RegularExpressions;
using Platform.Cli.Input;
using Platform.Common.Errors;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary><c>gc</c> and <c>gc explain</c> through the real collector.</summary>
public sealed partial class When_a_user_collects_garbage(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private readonly SpecFiles _files = new();

    /// <summary>The table rows of a gc run in this test's namespace (a pass covers every namespace), and its summary line.</summary>
    private static (List<string[]> Rows, string Summary) Pass(CliResult result, PlatformCtl ctl)
    {
        var lines = result.Lines;
        var rows = lines.Length > 1
            ? Output.Table(string.Join('\n', lines[..^1]), "NAMESPACE", "SNAPSHOTTER", "KEY", "SIZE")
            : [];
        return (rows.Where(r => r[0] == ctl.Namespace).ToList(), lines[^1]);
    }

    [Fact]
    public async Task A_dry_run_lists_an_unreferenced_snapshot_without_removing_it_and_gc_then_removes_it()
    {
        var ctl = PlatformCtl.For(fixture);
        var folder = Output.Table((await OkAsync(ctl, "snapshots", "prepare", "junk", "--snapshotter", "overlayfs")).Stdout, "TYPE", "SOURCE", "OPTIONS")[0][1];
        File.WriteAllBytes(Path.Combine(folder, "payload"), new byte[3000]);
        await OkAsync(ctl, "leases", "create", "--id", "keep");
        await OkAsync(ctl, "snapshots", "prepare", "kept", "--lease", "keep");

        var (wouldRemove, drySummary) = Pass(await OkAsync(ctl, "gc", "--dry-run"), ctl);

        Assert.Equal([[ctl.Namespace, "overlayfs", "junk", "2.9 KiB"]], wouldRemove);
        Assert.Matches(SummaryLine(), drySummary);
        Assert.StartsWith("would remove ", drySummary);
        Assert.Equal(0, (await ctl.RunAsync("snapshots", "stat", "junk", "--snapshotter", "overlayfs")).ExitCode);
        Assert.True(File.Exists(Path.Combine(folder, "payload")));

        var (removed, summary) = Pass(await OkAsync(ctl, "gc"), ctl);

        Assert.Equal([[ctl.Namespace, "overlayfs", "junk", "2.9 KiB"]], removed);
        Assert.Matches(SummaryLine(), summary);
        Assert.StartsWith("removed ", summary);
        var stat = await ctl.RunAsync("snapshots", "stat", "junk", "--snapshotter", "overlayfs");
        Assert.Equal((4, ""), (stat.ExitCode, stat.Stdout));
        Assert.False(Directory.Exists(folder), "the snapshot's folder goes with its record");
        Assert.Equal(0, (await ctl.RunAsync("snapshots", "stat", "kept")).ExitCode);

        var (nothing, emptySummary) = Pass(await OkAsync(ctl, "gc"), ctl);
        Assert.Empty(nothing);
        Assert.Matches(SummaryLine(), emptySummary);
    }

    [GeneratedRegex(@"^(would remove|removed) \d+ snapshots?, (would free|freed) \d+(\.\d)? (B|KiB|MiB|GiB) in \d+ ms$")]
    private static partial Regex SummaryLine();

    [Fact]
    public async Task Json_is_the_collection_result()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "snapshots", "prepare", "loose");

        var result = Output.Json((await OkAsync(ctl, "gc", "--dry-run", "-o", "json")).Stdout);

        Assert.Equal(["removed", "bytesFreed", "duration", "dryRun"], Output.PropertyNames(result));
        Assert.True(result.GetProperty("dryRun").GetBoolean());
        var mine = Assert.Single(result.GetProperty("removed").EnumerateArray(), r => r.GetProperty("namespace").GetString() == ctl.Namespace);
        Assert.Equal(["namespace", "resource", "size"], Output.PropertyNames(mine));
        Assert.Equal(("snapshot", "loose"), (mine.GetProperty("resource").GetProperty("kind").GetString(), mine.GetProperty("resource").GetProperty("key").GetString()));
        Assert.True(TimeSpan.TryParse(result.GetProperty("duration").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task A_snapshot_a_container_uses_is_alive_through_the_container()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "snapshots", "prepare", "web-root", "--snapshotter", "overlayfs");
        await OkAsync(ctl, "containers", "create", "web", "--runtime", "runc", "--spec", _files.Write(),
            "--snapshotter", "overlayfs", "--snapshot-key", "web-root");

        var explained = await OkAsync(ctl, "gc", "explain", "snapshot/overlayfs/web-root");

        Assert.Equal(
            ["snapshot overlayfs/web-root is alive:", $"  snapshot overlayfs/web-root <- referenced by container {ctl.Namespace}/web"],
            explained.Lines);
        var json = Output.Json((await OkAsync(ctl, "gc", "explain", "snapshot/web-root", "--snapshotter", "overlayfs", "-o", "json")).Stdout);
        Assert.Equal(["resource", "alive", "chains"], Output.PropertyNames(json));
        Assert.True(json.GetProperty("alive").GetBoolean());
        Assert.Equal(("overlayfs", "web-root"), (json.GetProperty("resource").GetProperty("snapshotter").GetString(), json.GetProperty("resource").GetProperty("key").GetString()));
        var chain = Assert.Single(json.GetProperty("chains").EnumerateArray().ToList());
        Assert.Contains(chain.EnumerateArray(), step => step.GetString()!.Contains("container", StringComparison.Ordinal));

        var refused = await ctl.RunAsync("snapshots", "rm", "web-root", "--snapshotter", "overlayfs");
        Assert.Equal((6, ""), (refused.ExitCode, refused.Stdout));
        Assert.StartsWith("error: FailedPrecondition: ", refused.Stderr);

        Assert.Equal(0, (await ctl.RunAsync("containers", "rm", "web")).ExitCode);
        // Deleting the container releases the snapshot, which is then collected without waiting for a pass.
        await Eventually.TrueAsync(async () => (await ctl.RunAsync("snapshots", "stat", "web-root", "--snapshotter", "overlayfs")).ExitCode == 4,
            TestContext.Current.CancellationToken, because: "the released snapshot should be collected");
    }

    [Fact]
    public async Task A_parent_is_alive_as_the_parent_of_a_child_that_is_used()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "snapshots", "prepare", "base-active", "--snapshotter", "overlayfs");
        await OkAsync(ctl, "snapshots", "commit", "base", "base-active", "--snapshotter", "overlayfs");
        await OkAsync(ctl, "snapshots", "prepare", "app-root", "--parent", "base", "--snapshotter", "overlayfs");
        await OkAsync(ctl, "containers", "create", "app", "--runtime", "runc", "--spec", _files.Write(),
            "--snapshotter", "overlayfs", "--snapshot-key", "app-root");

        var explained = await OkAsync(ctl, "gc", "explain", "snapshot/overlayfs/base");

        Assert.Equal("snapshot overlayfs/base is alive:", explained.Lines[0]);
        var chain = Assert.Single(explained.Lines[1..]);
        Assert.Equal($"  snapshot overlayfs/base <- parent of snapshot overlayfs/app-root <- referenced by container {ctl.Namespace}/app", chain);
    }

    [Fact]
    public async Task A_leased_snapshot_is_alive_through_the_lease_and_an_unused_one_is_garbage()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "leases", "create", "--id", "pull");
        await OkAsync(ctl, "snapshots", "prepare", "layer", "--lease", "pull", "--snapshotter", "overlayfs");
        await OkAsync(ctl, "snapshots", "prepare", "orphan", "--snapshotter", "overlayfs");

        var leased = await OkAsync(ctl, "gc", "explain", "snapshot/overlayfs/layer");
        var orphan = await OkAsync(ctl, "gc", "explain", "snapshot/overlayfs/orphan");
        var orphanJson = Output.Json((await OkAsync(ctl, "gc", "explain", "snapshot/orphan", "--snapshotter", "overlayfs", "-o", "json")).Stdout);

        Assert.Equal(["snapshot overlayfs/layer is alive:", $"  snapshot overlayfs/layer <- held by lease {ctl.Namespace}/pull"], leased.Lines);
        Assert.Equal(["snapshot overlayfs/orphan is garbage: nothing references it"], orphan.Lines);
        Assert.False(orphanJson.GetProperty("alive").GetBoolean());
        Assert.Empty(orphanJson.GetProperty("chains").EnumerateArray());
    }

    [Fact]
    public async Task Explaining_what_does_not_exist_is_NotFound_and_a_malformed_name_InvalidArgument()
    {
        var ctl = PlatformCtl.For(fixture);

        var missing = await ctl.RunAsync("gc", "explain", "snapshot/nothing-here");
        var malformed = await ctl.RunAsync("gc", "explain", "busybox");
        var unknownKind = await ctl.RunAsync("gc", "explain", "volume/data");

        Assert.Equal((4, ""), (missing.ExitCode, missing.Stdout));
        Assert.StartsWith("error: NotFound: ", missing.Stderr);
        Assert.Contains("nothing-here", missing.Stderr);
        Assert.Equal((3, ""), (malformed.ExitCode, malformed.Stdout));
        Assert.Contains("KIND/KEY", malformed.Stderr);
        Assert.Equal((3, ""), (unknownKind.ExitCode, unknownKind.Stdout));
        Assert.Contains("volume", unknownKind.Stderr);
    }

    [Theory]
    [InlineData("snapshot/busybox", null, "snapshot", null, "busybox")]
    [InlineData("snapshot/overlayfs/busybox", null, "snapshot", "overlayfs", "busybox")]
    [InlineData("snapshot/native/a/b", null, "snapshot", "native", "a/b")]
    [InlineData("snapshot/a/b", "overlayfs", "snapshot", "overlayfs", "a/b")]
    [InlineData("snapshot/sha256:abc/", null, "snapshot", null, "sha256:abc/")]
    [InlineData("image/docker.io/library/busybox:1.36", null, "image", null, "docker.io/library/busybox:1.36")]
    [InlineData("images/127.0.0.1:5000/acc/bb:1", null, "image", null, "127.0.0.1:5000/acc/bb:1")]
    [InlineData("content/sha256:0123", null, "content", null, "sha256:0123")]
    public void Resource_names_are_kind_then_an_optional_snapshotter_then_the_key(string text, string? option, string kind, string? snapshotter, string key)
    {
        var parsed = ResourceName.Parse(text, option);
        Assert.Equal((kind, snapshotter, key), (parsed.Kind, parsed.Snapshotter, parsed.Key));
    }

    [Theory]
    [InlineData("busybox")]
    [InlineData("/busybox")]
    [InlineData("snapshot/")]
    [InlineData("image/")]
    public void A_name_without_kind_or_key_is_InvalidArgument(string text) =>
        Assert.Equal(Contracts.ErrorKind.InvalidArgument, Assert.Throws<PlatformException>(() => ResourceName.Parse(text, null)).Kind);

    [Fact]
    public void An_image_or_content_with_a_snapshotter_is_InvalidArgument() =>
        Assert.Equal(Contracts.ErrorKind.InvalidArgument,
            Assert.Throws<PlatformException>(() => ResourceName.Parse("content/sha256:0123", "overlayfs")).Kind);

    public void Dispose() => _files.Dispose();
}
