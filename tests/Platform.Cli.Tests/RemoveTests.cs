using Platform.Testing;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary><c>containers rm</c>: every id is tried; the first failure decides the exit code.</summary>
public sealed class When_a_user_removes_containers(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private readonly SpecFiles _files = new();

    private async Task<PlatformCtl> ContainersAsync(params string[] ids)
    {
        var ctl = PlatformCtl.For(fixture);
        var spec = _files.Write();
        foreach (var id in ids)
            Assert.Equal(0, (await ctl.RunAsync("containers", "create", id, "--runtime", "runc", "--spec", spec)).ExitCode);
        return ctl;
    }

    [Fact]
    public async Task Removing_two_ids_removes_both_and_prints_each()
    {
        var ctl = await ContainersAsync("a", "b", "c");

        var result = await ctl.RunAsync("containers", "rm", "a", "b");

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        Assert.Equal(["a", "b"], result.Lines);
        var left = await ctl.RunAsync("containers", "ls", "-o", "json");
        Assert.Equal(["c"], Output.Json(left.Stdout).EnumerateArray().Select(c => c.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Removing_a_missing_id_exits_4_with_NotFound_and_prints_nothing()
    {
        var ctl = await ContainersAsync();

        var result = await ctl.RunAsync("containers", "rm", "ghost");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: NotFound: ", result.Stderr);
        Assert.Contains("ghost", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_missing_id_among_others_is_reported_and_the_others_are_still_removed()
    {
        var ctl = await ContainersAsync("a", "b");

        var result = await ctl.RunAsync("containers", "delete", "ghost", "a", "phantom", "b", "-o", "json");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal(["a", "b"], Output.Json(result.Stdout).EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var errors = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("error: NotFound: ", errors[0]);
        Assert.Contains("ghost", errors[0]);
        Assert.Contains("phantom", errors[1]);
        Assert.Empty(Output.Json((await ctl.RunAsync("containers", "ls", "-o", "json")).Stdout).EnumerateArray());
    }

    public void Dispose() => _files.Dispose();
}
