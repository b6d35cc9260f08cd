using System.Globalization;
using System.Text.Json;
using Platform.Cli.Commands.Events;
using Platform.Testing;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary><c>events</c> streams what happens while it runs, until cancelled.</summary>
public sealed class When_a_user_watches_events(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly SpecFiles _files = new();

    /// <summary>Starts <c>events</c> and waits until it is subscribed, so nothing created afterwards can be missed.</summary>
    private static async Task<(Task<int> Run, SharedOutput Stdout)> StartEventsAsync(PlatformCtl ctl, CancellationToken stop, params string[] args)
    {
        var stdout = new SharedOutput();
        var stderr = new SharedOutput();
        var run = ctl.Start(stdout, stderr, stop, ["events", .. args]);
        await Eventually.TrueAsync(() => stderr.ToString().Contains(EventsCommand.Listening) || run.IsCompleted, Ct,
            because: "events should subscribe");
        Assert.False(run.IsCompleted, $"events ended early:\n{stderr}");
        return (run, stdout);
    }

    [Fact]
    public async Task A_container_created_meanwhile_appears_as_one_line_and_cancelling_ends_with_0()
    {
        var ctl = PlatformCtl.For(fixture);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (events, stdout) = await StartEventsAsync(ctl, stop.Token, "--filter", $"namespace=={ctl.Namespace}");

        Assert.Equal(0, (await ctl.RunAsync("containers", "create", "web", "--runtime", "runc", "--spec", _files.Write())).ExitCode);

        await Eventually.TrueAsync(() => stdout.ToString().Contains(" ContainerCreated "), Ct, because: "the create should be printed");
        await stop.CancelAsync();
        Assert.Equal(0, await events);
        var fields = Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)).Split(' ');
        Assert.Equal(["ContainerCreated", ctl.Namespace, "web", "1"], fields[1..]);
        var time = DateTimeOffset.Parse(fields[0], CultureInfo.InvariantCulture);
        Assert.InRange(time, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Json_lines_carry_the_envelope_and_the_container_of_events_matching_a_label_filter()
    {
        var ctl = PlatformCtl.For(fixture);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (events, stdout) = await StartEventsAsync(ctl, stop.Token, "-o", "json",
            "--filter", $"namespace=={ctl.Namespace},labels.tier==front");
        var spec = _files.Write();

        Assert.Equal(0, (await ctl.RunAsync("containers", "create", "other", "--runtime", "runc", "--spec", spec)).ExitCode);
        Assert.Equal(0, (await ctl.RunAsync("containers", "create", "web", "--runtime", "runc", "--spec", spec, "--label", "tier=front")).ExitCode);
        Assert.Equal(0, (await ctl.RunAsync("containers", "rm", "web")).ExitCode);

        await Eventually.TrueAsync(() => stdout.ToString().Contains("\"ContainerDeleted\""), Ct, because: "the delete should be printed");
        await stop.CancelAsync();
        Assert.Equal(0, await events);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Output.Json).ToList();
        Assert.Equal(["ContainerCreated", "ContainerDeleted"], lines.Select(e => e.GetProperty("type").GetString()));
        Assert.All(lines, e =>
        {
            Assert.Equal(["type", "eventId", "timestamp", "namespace", "sequence"], Output.PropertyNames(e)[..5]);
            Assert.Equal(ctl.Namespace, e.GetProperty("namespace").GetString());
            Assert.NotEqual(Guid.Empty, e.GetProperty("eventId").GetGuid());
            Assert.EndsWith("Z", e.GetProperty("timestamp").GetString());
        });
        Assert.Equal([1L, 2L], lines.Select(e => e.GetProperty("sequence").GetInt64()));
        var container = lines[0].GetProperty("container");
        Assert.Equal("web", container.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Object, container.GetProperty("spec").ValueKind);
        Assert.Equal("web", lines[1].GetProperty("id").GetString());
        Assert.Equal("front", lines[1].GetProperty("labels").GetProperty("tier").GetString());
    }

    [Fact]
    public async Task A_malformed_filter_exits_3_before_subscribing()
    {
        var ctl = PlatformCtl.For(fixture);

        var result = await ctl.RunAsync("events", "--filter", "type=~ContainerCreated");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: InvalidArgument: ", result.Stderr);
        Assert.DoesNotContain(EventsCommand.Listening, result.Stderr);
    }

    public void Dispose() => _files.Dispose();
}
