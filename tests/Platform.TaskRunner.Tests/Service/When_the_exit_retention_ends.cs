using System.Runtime.Versioning;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

[SupportedOSPlatform("linux")]
public sealed class ShortRetentionFixture : TaskFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["TaskRunner:ExitRetention"] = "00:00:03",
        ["TaskRunner:PruneInterval"] = "00:00:01",
    };
}

/// <summary>A finished task's exit and logs stay for late readers for TaskRunner:ExitRetention, then go.</summary>
[SupportedOSPlatform("linux")]
public sealed class When_the_exit_retention_ends(ShortRetentionFixture fixture) : IClassFixture<ShortRetentionFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_answer_wait_and_logs_until_then_and_forget_both_after()
    {
        await fixture.RunAsync("brief", "sh", "-c", "echo bye; exit 2");
        Assert.Equal(2, (await fixture.WaitAsync("brief")).ExitStatus);
        await fixture.GoneAsync("brief");

        var logs = await fixture.Runc.Tasks.ReadLogsAsync("brief", 0, @namespace: fixture.Namespace, cancellationToken: Ct);
        Assert.Equal("bye\n", string.Concat(logs.Entries.Select(e => e.Text)));
        Assert.True(logs.Complete);

        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await fixture.Client.Tasks.WaitOnceAsync("brief", TimeSpan.Zero, @namespace: fixture.Namespace, cancellationToken: Ct);
                return false;
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                return true;
            }
        }, Ct, TimeSpan.FromSeconds(20), "the retained exit should be pruned");
        var error = await Assert.ThrowsAsync<PlatformException>(() => fixture.Runc.Tasks.ReadLogsAsync("brief", 0, @namespace: fixture.Namespace, cancellationToken: Ct));
        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.False(Directory.Exists(Path.Combine(fixture.DataRoot, "tasks", "logs", fixture.Namespace, "brief")));
    }
}
