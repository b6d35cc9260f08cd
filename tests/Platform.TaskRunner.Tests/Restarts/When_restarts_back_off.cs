using Microsoft.Extensions.Time.Testing;
using Platform.TaskRunner.Tasks.Restarts;
using Xunit;

namespace Platform.TaskRunner.Tests.Restarts;

/// <summary>docker's back-off: 100 ms, doubling, at most a minute, back to 100 ms after a run of 10 s; timers on a fake clock.</summary>
public sealed class When_restarts_back_off
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    [Fact]
    public void Should_wait_100_ms_then_double_each_time_up_to_a_minute()
    {
        var delays = new List<TimeSpan>();
        var delay = TimeSpan.Zero;
        for (var i = 0; i < 12; i++)
            delays.Add(delay = RestartBackoff.Docker.Next(delay, Short));

        Assert.Equal([100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000], delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public void Should_start_over_after_a_run_of_ten_seconds()
    {
        var delay = RestartBackoff.Docker.Next(RestartBackoff.Docker.Next(TimeSpan.Zero, Short), Short);
        Assert.Equal(TimeSpan.FromMilliseconds(200), delay);

        Assert.Equal(TimeSpan.FromMilliseconds(100), RestartBackoff.Docker.Next(delay, TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromMilliseconds(400), RestartBackoff.Docker.Next(delay, TimeSpan.FromSeconds(9.9)));
        Assert.Equal(TimeSpan.FromMilliseconds(400), RestartBackoff.Docker.Next(delay, null));
    }

    [Fact]
    public async Task Should_make_a_restart_due_at_its_time_and_not_before()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var schedule = new RestartSchedule(clock);

        schedule.Schedule("ns", "web", clock.GetUtcNow() + TimeSpan.FromMilliseconds(400));
        clock.Advance(TimeSpan.FromMilliseconds(399));
        Assert.False(schedule.Due.TryRead(out _));
        Assert.Equal(1, schedule.Pending);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var due = await schedule.Due.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal(("ns", "web"), due);
        Assert.Equal(0, schedule.Pending);
    }

    [Fact]
    public void Should_replace_an_earlier_timer_and_drop_a_cancelled_one()
    {
        var clock = new FakeTimeProvider();
        using var schedule = new RestartSchedule(clock);

        schedule.Schedule("ns", "web", clock.GetUtcNow() + TimeSpan.FromMilliseconds(100));
        schedule.Schedule("ns", "web", clock.GetUtcNow() + TimeSpan.FromMilliseconds(800));
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(schedule.Due.TryRead(out _));

        schedule.Schedule("ns", "db", clock.GetUtcNow() + TimeSpan.FromMilliseconds(100));
        Assert.True(schedule.Cancel("ns", "db"));
        clock.Advance(TimeSpan.FromMilliseconds(300));
        Assert.True(schedule.Due.TryRead(out var due));
        Assert.Equal(("ns", "web"), due);
        Assert.False(schedule.Due.TryRead(out _));
    }

    [Fact]
    public void Should_make_an_overdue_restart_due_at_once()
    {
        var clock = new FakeTimeProvider();
        using var schedule = new RestartSchedule(clock);

        schedule.Schedule("ns", "web", clock.GetUtcNow() - TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.Zero);

        Assert.True(schedule.Due.TryRead(out var due));
        Assert.Equal(("ns", "web"), due);
    }
}
