using Platform.Common.Health;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Health;
using Xunit;

namespace Platform.TaskRunner.Tests.Health;

/// <summary>docker's health state machine: start period, retries, streak reset, the kept log and the probe cadence.</summary>
public sealed class When_health_probes_report
{
    private static readonly DateTimeOffset Started = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(Started);
    private readonly HealthStatusMachine _machine;

    public When_health_probes_report() => _machine = new HealthStatusMachine(_clock);

    private static HealthCheck Check(int retries = 3, TimeSpan? startPeriod = null) => new()
    {
        Test = ["CMD-SHELL", "true"], Retries = retries, StartPeriod = startPeriod ?? TimeSpan.Zero,
        Interval = TimeSpan.FromSeconds(30), StartInterval = TimeSpan.FromSeconds(5),
    };

    private HealthProbe Probe(int exitCode) => new() { Start = _clock.GetUtcNow(), End = _clock.GetUtcNow(), ExitCode = exitCode, Output = $"exit {exitCode}" };

    /// <summary>Applies probe results in turn, the clock moving <paramref name="every"/> before each.</summary>
    private (TaskHealth Health, List<HealthStep> Steps) Run(HealthCheck check, TimeSpan every, params int[] exits)
    {
        var health = HealthStatusMachine.Initial;
        var steps = new List<HealthStep>();
        foreach (var exit in exits)
        {
            _clock.Advance(every);
            var step = _machine.Apply(check, health, Started, Probe(exit));
            steps.Add(step);
            health = step.Health;
        }
        return (health, steps);
    }

    [Fact]
    public void Should_turn_unhealthy_only_after_retries_consecutive_failures()
    {
        var (health, steps) = Run(Check(retries: 3), TimeSpan.FromSeconds(30), 1, 1, 1);

        Assert.Equal([HealthStatuses.Starting, HealthStatuses.Starting, HealthStatuses.Unhealthy], steps.Select(s => s.Health.Status));
        Assert.Equal([false, false, true], steps.Select(s => s.Changed));
        Assert.Equal(3, health.FailingStreak);
    }

    [Fact]
    public void Should_reset_the_streak_on_a_success_and_count_again_from_zero()
    {
        var (health, steps) = Run(Check(retries: 2), TimeSpan.FromSeconds(30), 1, 0, 1, 1);

        Assert.Equal([HealthStatuses.Starting, HealthStatuses.Healthy, HealthStatuses.Healthy, HealthStatuses.Unhealthy], steps.Select(s => s.Health.Status));
        Assert.Equal([1, 0, 1, 2], steps.Select(s => s.Health.FailingStreak));
        Assert.Equal(HealthStatuses.Healthy, steps[3].OldStatus);
        Assert.Equal(HealthStatuses.Unhealthy, health.Status);
    }

    [Fact]
    public void Should_not_count_failures_in_the_start_period_but_count_them_after_it()
    {
        var check = Check(retries: 1, startPeriod: TimeSpan.FromSeconds(12));

        var (_, steps) = Run(check, TimeSpan.FromSeconds(5), 1, 1, 1);

        // At 5 s and 10 s the failures fall in the start period; at 15 s it is over.
        Assert.Equal([0, 0, 1], steps.Select(s => s.Health.FailingStreak));
        Assert.Equal([HealthStatuses.Starting, HealthStatuses.Starting, HealthStatuses.Unhealthy], steps.Select(s => s.Health.Status));
    }

    [Fact]
    public void Should_end_the_start_period_with_the_first_success()
    {
        var check = Check(retries: 1, startPeriod: TimeSpan.FromMinutes(5));

        var (health, steps) = Run(check, TimeSpan.FromSeconds(5), 0, 1);

        Assert.Equal([HealthStatuses.Healthy, HealthStatuses.Unhealthy], steps.Select(s => s.Health.Status));
        Assert.Equal(1, health.FailingStreak);
    }

    [Fact]
    public void Should_probe_at_the_start_interval_during_the_start_period_only()
    {
        var check = Check(startPeriod: TimeSpan.FromSeconds(12));

        Assert.Equal(check.StartInterval, _machine.NextDelay(check, HealthStatusMachine.Initial, Started));
        _clock.Advance(TimeSpan.FromSeconds(13));
        Assert.Equal(check.Interval, _machine.NextDelay(check, HealthStatusMachine.Initial, Started));
        Assert.Equal(check.Interval, _machine.NextDelay(Check(), HealthStatusMachine.Initial, Started));
    }

    [Fact]
    public void Should_keep_the_last_five_probes_oldest_first()
    {
        var (health, _) = Run(Check(retries: 100), TimeSpan.FromSeconds(1), 0, 1, 2, 3, 4, 5, 6);

        Assert.Equal([2, 3, 4, 5, 6], health.Log.Select(p => p.ExitCode));
    }
}
