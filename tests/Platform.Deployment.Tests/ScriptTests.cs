using System.Text.RegularExpressions;
using Xunit;

namespace Platform.Deployment.Tests;

/// <summary>The entry points CI and people use: .ci/run, build.sh and the platformctl wrapper.</summary>
public sealed partial class The_scripts
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Ci_runs_the_test_command_of_build_sh()
    {
        var lines = Repo.Read(".ci/run").Split('\n').Select(l => l.Trim()).ToList();

        Assert.Equal("#!/usr/bin/env bash", lines[0]);
        Assert.Contains("set -euo pipefail", lines);
        var commands = lines.Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Contains(commands, l => BuildShTest().IsMatch(l));
    }

    [Theory]
    [InlineData(".ci/run")]
    [InlineData("build.sh")]
    [InlineData("platformctl")]
    public void Are_executable(string script)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("file modes are a Unix matter");
            return;
        }
        var mode = File.GetUnixFileMode(Repo.PathOf(script));
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"{script} is not executable (mode {mode}): git update-index --chmod=+x {script}");
    }

    [Theory]
    [InlineData("build.sh")]
    [InlineData("platformctl")]
    [InlineData(".ci/run")]
    public async Task Parse_as_bash(string script)
    {
        var result = await Repo.RunAsync("bash", ["-n", script], TimeSpan.FromSeconds(30), Ct);

        Assert.True(result.ExitCode == 0 && result.StdErr.Length == 0, $"bash -n {script}: {result}");
    }

    [Fact]
    public async Task Build_sh_prints_its_usage_and_fails_on_an_unknown_command()
    {
        var result = await Repo.RunAsync("bash", ["build.sh", "no-such-command"], TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown command: no-such-command", result.StdErr);
        foreach (var command in new[] { "test", "up", "down", "demo", "bench" })
            Assert.Matches(new Regex($@"^\s+{command}\b", RegexOptions.Multiline), result.StdErr);
    }

    [GeneratedRegex(@"^(exec\s+)?\./build\.sh\s+test\s*$")]
    private static partial Regex BuildShTest();
}
