using Xunit;

namespace Platform.Cli.Tests;

/// <summary>Checks the test classes share (<c>using static</c>).</summary>
public static class CliAssert
{
    /// <summary>Runs platformctl and fails the test, showing both outputs, unless it exits 0.</summary>
    public static async Task<CliResult> OkAsync(PlatformCtl ctl, params string[] args)
    {
        var result = await ctl.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"platformctl {string.Join(' ', args)}: {result}");
        return result;
    }
}
