using Platform.Cli.Commands.Events;
using Platform.Testing;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary><c>events --since/--until</c>: past events first, in order and in the live format, then live ones unless --until.</summary>
public sealed class When_a_user_asks_for_past_events(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly SpecFiles _files = new();

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture);

    private async Task CreateAsync(PlatformCtl ctl, params string[] ids)
    {
        var spec = _files.Write();
        foreach (var id in ids)
            Assert.Equal(0, (await ctl.RunAsync("containers", "create", id, "--runtime", "runc", "--spec", spec)).ExitCode);
    }

    /// <summary>Type, namespace, id and sequence of each line (the time is first).</summary>
    private static List<string> Fields(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => string.Join(' ', line.Split(' ')[1..]))];

    [Fact]
    public async Task Events_from_before_it_started_print_in_commit_order_and_until_ends_the_run()
    {
        var ctl = PlatformCtl.For(fixture);
        await CreateAsync(ctl, "web", "db");
        Assert.Equal(0, (await ctl.RunAsync("containers", "rm", "web")).ExitCode);

        var result = await ctl.RunAsync("events", "--since", "10m", "--until", Now());

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([$"ContainerCreated {ctl.Namespace} web 1", $"ContainerCreated {ctl.Namespace} db 1", $"ContainerDeleted {ctl.Namespace} web 2"],
            Fields(result.Stdout));
        Assert.DoesNotContain(EventsCommand.Listening, result.Stderr);
    }

    [Fact]
    public async Task Filters_and_an_event_id_as_since_apply_to_past_events()
    {
        var ctl = PlatformCtl.For(fixture);
        await CreateAsync(ctl, "a", "b", "c");
        Assert.Equal(0, (await ctl.RunAsync("containers", "rm", "b")).ExitCode);
        var until = Now();
        var json = await ctl.RunAsync("events", "--until", until, "-o", "json");
        Assert.Equal(0, json.ExitCode);
        var first = Output.Json(json.Lines[0]);
        Assert.Equal("a", first.GetProperty("container").GetProperty("id").GetString());

        var after = await ctl.RunAsync("events", "--since", first.GetProperty("eventId").GetString()!, "--until", until);
        var deleted = await ctl.RunAsync("events", "--since", "1h", "--until", until, "--filter", "type==ContainerDeleted");

        Assert.Equal([$"ContainerCreated {ctl.Namespace} b 1", $"ContainerCreated {ctl.Namespace} c 1", $"ContainerDeleted {ctl.Namespace} b 2"],
            Fields(after.Stdout));
        Assert.Equal([$"ContainerDeleted {ctl.Namespace} b 2"], Fields(deleted.Stdout));
    }

    [Fact]
    public async Task Without_until_it_prints_the_past_then_follows_live_events_each_once()
    {
        var ctl = PlatformCtl.For(fixture);
        await CreateAsync(ctl, "old");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new SharedOutput();
        var stderr = new SharedOutput();
        var events = ctl.Start(stdout, stderr, stop.Token, ["events", "--since", "1h"]);
        await Eventually.TrueAsync(() => stderr.ToString().Contains(EventsCommand.Listening) || events.IsCompleted, Ct, because: "events should subscribe");
        Assert.False(events.IsCompleted, $"events ended early:\n{stderr}");
        await Eventually.TrueAsync(() => stdout.ToString().Contains(" old "), Ct, because: "the past create should be printed first");

        await CreateAsync(ctl, "new");

        await Eventually.TrueAsync(() => stdout.ToString().Contains(" new "), Ct, because: "the live create should be printed");
        await stop.CancelAsync();
        Assert.Equal(0, await events);
        Assert.Equal([$"ContainerCreated {ctl.Namespace} old 1", $"ContainerCreated {ctl.Namespace} new 1"], Fields(stdout.ToString()));
    }

    [Fact]
    public async Task A_since_that_is_no_time_exits_3_naming_the_flag()
    {
        var ctl = PlatformCtl.For(fixture);

        var result = await ctl.RunAsync("events", "--since", "yesterday");

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("error: InvalidArgument: --since \"yesterday\"", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    public void Dispose() => _files.Dispose();
}
