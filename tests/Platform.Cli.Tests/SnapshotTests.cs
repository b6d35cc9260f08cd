using System.Text.Json;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary><c>snapshots prepare|view|mounts|commit|stat|ls|label|rm</c> through the real resource service.</summary>
public sealed class When_a_user_works_with_snapshots(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    // Where mounts are compared with folders: the copying snapshotter (the default without overlay) binds copies.
    private const string O = "--snapshotter";
    private const string Overlay = "overlayfs";

    private static List<string[]> Mounts(CliResult result) => Output.Table(result.Stdout, "TYPE", "SOURCE", "OPTIONS");

    [Fact]
    public async Task A_child_prepared_on_a_committed_parent_mounts_an_overlay_whose_lowerdir_is_the_parents_folder()
    {
        var ctl = PlatformCtl.For(fixture);

        var prepared = await OkAsync(ctl, "snapshots", "prepare", "base-active", "--snapshotter", "overlayfs");
        var baseMount = Assert.Single(Mounts(prepared));
        Assert.Equal("bind", baseMount[0]);
        Assert.Equal("rbind,rw", baseMount[2]);
        var baseFolder = baseMount[1];
        Assert.True(Directory.Exists(baseFolder), $"the bind source {baseFolder} should exist");

        var committed = Output.Block((await OkAsync(ctl, "snapshots", "commit", "base", "base-active", "--snapshotter", "overlayfs")).Stdout);
        Assert.Equal(("base", "committed", "overlayfs", "-"), (committed["Key"], committed["Kind"], committed["Snapshotter"], committed["Parent"]));
        Assert.Equal(4, (await ctl.RunAsync("snapshots", "stat", "base-active", "--snapshotter", "overlayfs")).ExitCode);

        var child = Assert.Single(Mounts(await OkAsync(ctl, "snapshots", "prepare", "child", "--parent", "base", "--snapshotter", "overlayfs")));
        Assert.Equal(("overlay", "overlay"), (child[0], child[1]));
        var options = child[2].Split(',');
        Assert.Contains($"lowerdir={baseFolder}", options);
        Assert.Contains(options, o => o.StartsWith("upperdir=", StringComparison.Ordinal) && o != $"upperdir={baseFolder}");

        // mounts KEY gives the same as prepare did, and JSON carries the snapshot with its mounts.
        var again = Output.Json((await OkAsync(ctl, "snapshots", "mounts", "child", "--snapshotter", "overlayfs", "-o", "json")).Stdout);
        Assert.Equal(["snapshot", "mounts"], Output.PropertyNames(again));
        Assert.Equal(("child", "base", "active"),
            (again.GetProperty("snapshot").GetProperty("key").GetString(), again.GetProperty("snapshot").GetProperty("parent").GetString(),
             again.GetProperty("snapshot").GetProperty("kind").GetString()));
        var mount = Assert.Single(again.GetProperty("mounts").EnumerateArray().ToList());
        Assert.Equal("overlay", mount.GetProperty("type").GetString());
        Assert.Equal(options, mount.GetProperty("options").EnumerateArray().Select(o => o.GetString()));
    }

    [Fact]
    public async Task A_view_is_a_read_only_bind_of_its_parent_and_mounts_of_a_committed_snapshot_is_refused()
    {
        var ctl = PlatformCtl.For(fixture);
        var parentFolder = Assert.Single(Mounts(await OkAsync(ctl, "snapshots", "prepare", "layer-active", O, Overlay)))[1];
        File.WriteAllText(Path.Combine(parentFolder, "greeting"), "hi");
        await OkAsync(ctl, "snapshots", "commit", "layer", "layer-active", O, Overlay);

        var view = Assert.Single(Mounts(await OkAsync(ctl, "snapshots", "view", "layer-view", "--parent", "layer", "--label", "use=test", O, Overlay)));

        Assert.Equal(["bind", parentFolder, "rbind,ro"], view);
        Assert.Equal("hi", File.ReadAllText(Path.Combine(view[1], "greeting")));
        var stat = Output.Block((await OkAsync(ctl, "snapshots", "stat", "layer-view", O, Overlay)).Stdout);
        Assert.Equal(("view", "layer", "use=test"), (stat["Kind"], stat["Parent"], stat["Labels"]));
        var refused = await ctl.RunAsync("snapshots", "mounts", "layer", O, Overlay);
        Assert.Equal(6, refused.ExitCode);
        Assert.StartsWith("error: FailedPrecondition: ", refused.Stderr);
        Assert.Equal("", refused.Stdout);
    }

    [Fact]
    public async Task Stat_shows_every_field_and_ls_filters_by_kind_and_parent()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "snapshots", "prepare", "a-active", "--label", "team=red");
        await OkAsync(ctl, "snapshots", "commit", "a", "a-active");
        await OkAsync(ctl, "snapshots", "prepare", "b-active", "--parent", "a");
        await OkAsync(ctl, "snapshots", "commit", "b", "b-active", "--label", "team=blue");
        await OkAsync(ctl, "snapshots", "prepare", "c", "--parent", "b");
        await OkAsync(ctl, "snapshots", "view", "d", "--parent", "a");

        var stat = Output.Block((await OkAsync(ctl, "snapshots", "stat", "b")).Stdout);
        Assert.Equal(["Key", "Namespace", "Snapshotter", "Kind", "Parent", "Labels", "Created", "Updated"], stat.Keys);
        Assert.Equal(("b", ctl.Namespace, "committed", "a", "team=blue"), (stat["Key"], stat["Namespace"], stat["Kind"], stat["Parent"], stat["Labels"]));
        var json = Output.Json((await OkAsync(ctl, "snapshots", "stat", "a", "-o", "json")).Stdout);
        Assert.Equal(["key", "namespace", "snapshotter", "kind", "parent", "labels", "createdAt", "updatedAt"], Output.PropertyNames(json));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("parent").ValueKind);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "red" }, Output.Map(json.GetProperty("labels")));

        var all = Output.Table((await OkAsync(ctl, "snapshots", "ls")).Stdout, "KEY", "PARENT", "KIND", "LABELS");
        Assert.Equal(
            [["a", "-", "committed", "team=red"], ["b", "a", "committed", "team=blue"], ["c", "b", "active", "-"], ["d", "a", "view", "-"]],
            all);
        var committed = Output.Table((await OkAsync(ctl, "snapshots", "ls", "--filter", "kind==committed")).Stdout, "KEY", "PARENT", "KIND", "LABELS");
        Assert.Equal(["a", "b"], committed.Select(r => r[0]));
        var childrenOfA = Output.Table((await OkAsync(ctl, "snapshots", "ls", "--filter", "parent==a")).Stdout, "KEY", "PARENT", "KIND", "LABELS");
        Assert.Equal(["b", "d"], childrenOfA.Select(r => r[0]));
        var either = Output.Json((await OkAsync(ctl, "snapshots", "ls", "--filter", "parent==b", "--filter", "labels.team==red", "-o", "json")).Stdout);
        Assert.Equal(["a", "c"], either.EnumerateArray().Select(s => s.GetProperty("key").GetString()));

        var malformed = await ctl.RunAsync("snapshots", "ls", "--filter", "kind===x");
        Assert.Equal((3, ""), (malformed.ExitCode, malformed.Stdout));
    }

    [Fact]
    public async Task Label_sets_the_given_labels_and_an_empty_value_removes_one()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "snapshots", "prepare", "s", "--label", "keep=yes");

        var set = Output.Block((await OkAsync(ctl, "snapshots", "label", "s", "a=1", "b=2")).Stdout);
        Assert.Equal("a=1\nb=2\nkeep=yes", set["Labels"]);

        var removed = Output.Json((await OkAsync(ctl, "snapshots", "label", "s", "a=", "-o", "json")).Stdout);
        Assert.Equal(new Dictionary<string, string> { ["b"] = "2", ["keep"] = "yes" }, Output.Map(removed.GetProperty("labels")));
        var bad = await ctl.RunAsync("snapshots", "label", "s", "novalue");
        Assert.Equal(3, bad.ExitCode);
        Assert.Contains("novalue", bad.Stderr);
    }

    [Fact]
    public async Task Rm_of_a_parent_is_refused_while_its_child_exists_then_child_then_parent_goes()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "snapshots", "prepare", "p-active");
        await OkAsync(ctl, "snapshots", "commit", "p", "p-active");
        await OkAsync(ctl, "snapshots", "prepare", "kid", "--parent", "p");

        var refused = await ctl.RunAsync("snapshots", "rm", "p");
        Assert.Equal((6, ""), (refused.ExitCode, refused.Stdout));
        Assert.StartsWith("error: FailedPrecondition: ", refused.Stderr);
        Assert.Equal(0, (await ctl.RunAsync("snapshots", "stat", "p")).ExitCode);

        var removed = await ctl.RunAsync("snapshots", "rm", "ghost", "kid", "p");
        Assert.Equal(4, removed.ExitCode);
        Assert.Equal(["kid", "p"], removed.Lines);
        Assert.StartsWith("error: NotFound: ", removed.Stderr);
        Assert.Contains("ghost", removed.Stderr);
        Assert.Empty(Output.Json((await OkAsync(ctl, "snapshots", "ls", "-o", "json")).Stdout).EnumerateArray());
    }

    [Fact]
    public async Task A_duplicate_key_is_AlreadyExists_and_an_unknown_snapshotter_is_InvalidArgument()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "snapshots", "prepare", "dup");

        var duplicate = await ctl.RunAsync("snapshots", "prepare", "dup");
        var unknown = await ctl.RunAsync("snapshots", "ls", "--snapshotter", "zfs");

        Assert.Equal((5, ""), (duplicate.ExitCode, duplicate.Stdout));
        Assert.StartsWith("error: AlreadyExists: ", duplicate.Stderr);
        Assert.Equal((3, ""), (unknown.ExitCode, unknown.Stdout));
        Assert.Contains("zfs", unknown.Stderr);
    }
}
