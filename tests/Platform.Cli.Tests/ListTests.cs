using Platform.Testing;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary><c>containers ls</c> with containerd filters.</summary>
public sealed class When_a_user_lists_containers(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static readonly string[] Header = ["ID", "IMAGE", "RUNTIME", "LABELS", "VERSION"];
    private readonly SpecFiles _files = new();

    private async Task<PlatformCtl> ThreeContainersAsync()
    {
        var ctl = PlatformCtl.For(fixture);
        var spec = _files.Write();
        foreach (var args in new[]
                 {
                     new[] { "web", "--label", "tier=front", "--label", "owner=alice", "--image", "nginx:1.27" },
                     ["db", "--label", "tier=back"],
                     ["cache"],
                 })
        {
            var created = await ctl.RunAsync(["containers", "create", .. args, "--runtime", "runc", "--spec", spec]);
            Assert.Equal((0, ""), (created.ExitCode, created.Stderr));
        }
        return ctl;
    }

    [Fact]
    public async Task A_label_filter_shows_only_the_matching_container_in_aligned_columns()
    {
        var ctl = await ThreeContainersAsync();

        var result = await ctl.RunAsync("containers", "ls", "--filter", "labels.tier==front");

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        var row = Assert.Single(Output.Table(result.Stdout, Header));
        Assert.Equal(["web", "nginx:1.27", "runc", "owner=alice,tier=front", "1"], row);
    }

    [Fact]
    public async Task Two_filters_show_the_containers_matching_either_ordered_by_id()
    {
        var ctl = await ThreeContainersAsync();

        var result = await ctl.RunAsync("containers", "list", "--filter", "labels.tier==front", "--filter", "id==cache");

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        var rows = Output.Table(result.Stdout, Header);
        Assert.Equal(["cache", "web"], rows.Select(r => r[0]));
        Assert.Equal(["cache", "-", "runc", "-", "1"], rows[0]);
    }

    [Fact]
    public async Task Without_filters_json_is_an_array_of_every_container_in_the_namespace()
    {
        var ctl = await ThreeContainersAsync();

        var result = await ctl.RunAsync("containers", "ls", "-o", "json");

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        var json = Output.Json(result.Stdout);
        Assert.Equal(["cache", "db", "web"], json.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.All(json.EnumerateArray(), c => Assert.Equal(ctl.Namespace, c.GetProperty("namespace").GetString()));
    }

    [Fact]
    public async Task A_malformed_filter_exits_3_with_InvalidArgument_and_prints_nothing()
    {
        var ctl = await ThreeContainersAsync();

        var result = await ctl.RunAsync("containers", "ls", "--filter", "labels.tier=~front");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: InvalidArgument: ", result.Stderr);
    }

    public void Dispose() => _files.Dispose();
}
