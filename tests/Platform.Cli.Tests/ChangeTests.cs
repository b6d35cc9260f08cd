using System.Text.Json;
using Platform.Testing;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary><c>containers label</c> and <c>containers update</c>: only what the user names changes.</summary>
public sealed class When_a_user_changes_a_container(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private readonly SpecFiles _files = new();

    private async Task<PlatformCtl> WebAsync()
    {
        var ctl = PlatformCtl.For(fixture);
        await ctl.PrepareSnapshotsAsync(fixture, "web-1", "web-2");
        var created = await ctl.RunAsync("containers", "create", "web", "--runtime", "runc", "--spec", _files.Write(),
            "--image", "nginx:1.26", "--snapshotter", "overlayfs", "--snapshot-key", "web-1",
            "--label", "tier=front", "--label", "owner=alice");
        Assert.Equal((0, ""), (created.ExitCode, created.Stderr));
        return ctl;
    }

    private static async Task<JsonElement> GetAsync(PlatformCtl ctl)
    {
        var got = await ctl.RunAsync("containers", "get", "web", "-o", "json");
        Assert.Equal((0, ""), (got.ExitCode, got.Stderr));
        return Output.Json(got.Stdout);
    }

    [Fact]
    public async Task Label_sets_new_labels_removes_empty_ones_and_keeps_the_rest()
    {
        var ctl = await WebAsync();

        var result = await ctl.RunAsync("containers", "label", "web", "env=prod", "tier=", "-o", "json");

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        var json = await GetAsync(ctl);
        Assert.Equal(new Dictionary<string, string> { ["env"] = "prod", ["owner"] = "alice" }, Output.Map(json.GetProperty("labels")));
        Assert.Equal(2, json.GetProperty("version").GetInt64());
        Assert.Equal(result.Stdout, (await ctl.RunAsync("containers", "get", "web", "-o", "json")).Stdout);
    }

    [Fact]
    public async Task A_label_argument_without_equals_exits_3_and_changes_nothing()
    {
        var ctl = await WebAsync();

        var result = await ctl.RunAsync("containers", "label", "web", "env=prod", "tier");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: InvalidArgument: label argument \"tier\"", result.Stderr);
        Assert.Equal(1, (await GetAsync(ctl)).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Update_image_changes_only_the_image()
    {
        var ctl = await WebAsync();
        var before = await GetAsync(ctl);

        var result = await ctl.RunAsync("containers", "update", "web", "--image", "nginx:1.27");

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        Assert.Equal("nginx:1.27", Output.Block(result.Stdout)["Image"]);
        var after = await GetAsync(ctl);
        Assert.Equal("nginx:1.27", after.GetProperty("image").GetString());
        Assert.Equal(2, after.GetProperty("version").GetInt64());
        foreach (var unchanged in new[] { "labels", "runtime", "spec", "snapshotter", "snapshotKey", "extensions", "createdAt" })
            Assert.Equal(before.GetProperty(unchanged).GetRawText(), after.GetProperty(unchanged).GetRawText());
    }

    [Fact]
    public async Task Update_label_changes_only_that_label()
    {
        var ctl = await WebAsync();
        var before = await GetAsync(ctl);

        var result = await ctl.RunAsync("containers", "update", "web", "--label", "tier=back");

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        var after = await GetAsync(ctl);
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "alice", ["tier"] = "back" }, Output.Map(after.GetProperty("labels")));
        foreach (var unchanged in new[] { "image", "spec", "snapshotKey" })
            Assert.Equal(before.GetProperty(unchanged).GetRawText(), after.GetProperty(unchanged).GetRawText());
    }

    [Fact]
    public async Task Update_spec_and_snapshot_key_change_both_and_keep_image_and_labels()
    {
        var ctl = await WebAsync();
        var before = await GetAsync(ctl);
        const string newSpec = """{"ociVersion":"1.2.0","process":{"args":["/bin/sh"]}}""";

        var result = await ctl.RunAsync("containers", "update", "web", "--spec", _files.Write(newSpec), "--snapshot-key", "web-2");

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        Assert.Equal(newSpec, Output.Block(result.Stdout)["Spec"]);
        var after = await GetAsync(ctl);
        Assert.Equal("web-2", after.GetProperty("snapshotKey").GetString());
        Assert.Equal("1.2.0", after.GetProperty("spec").GetProperty("ociVersion").GetString());
        Assert.Equal(2, after.GetProperty("version").GetInt64());
        foreach (var unchanged in new[] { "image", "labels" })
            Assert.Equal(before.GetProperty(unchanged).GetRawText(), after.GetProperty(unchanged).GetRawText());
    }

    [Fact]
    public async Task Update_without_any_field_is_a_usage_error_and_changes_nothing()
    {
        var ctl = await WebAsync();

        var result = await ctl.RunAsync("containers", "update", "web");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("update needs at least one of --image, --spec, --snapshot-key, --label", result.Stderr);
        Assert.Equal(1, (await GetAsync(ctl)).GetProperty("version").GetInt64());
    }

    public void Dispose() => _files.Dispose();
}
