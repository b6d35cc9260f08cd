using System.CommandLine;
using System.Globalization;
using Platform.Common.Errors;
using Platform.Common.Health;

namespace Platform.Cli.Commands.Run;

/// <summary>
/// docker's health check flags of <c>run</c> (<c>--health-cmd</c>, <c>--health-interval</c>, <c>--health-timeout</c>,
/// <c>--health-retries</c>, <c>--health-start-period</c>, <c>--health-start-interval</c>, <c>--no-healthcheck</c>) and
/// podman's <c>--health-on-failure</c>, read into <see cref="HealthOverrides"/>: unset flags (and zero, as docker reads
/// them) inherit the image's Healthcheck, then docker's defaults. Errors name the flag and its rule.
/// </summary>
internal sealed class HealthFlags
{
    /// <summary>The flags that take a value as the next token (for <see cref="RunArguments"/>).</summary>
    public static readonly IReadOnlySet<string> ValueOptions = new HashSet<string>(StringComparer.Ordinal)
    {
        "--health-cmd", "--health-interval", "--health-timeout", "--health-retries", "--health-start-period", "--health-start-interval",
        "--health-on-failure",
    };

    private readonly Option<string> _cmd = new("--health-cmd") { Description = "Command to run to check health, by sh -c (docker's CMD-SHELL)", HelpName = "CMD" };

    private readonly Option<string> _interval = new("--health-interval") { Description = "Time between running the check (ms|s|m|h) [default: 30s]", HelpName = "DURATION" };

    private readonly Option<string> _timeout = new("--health-timeout") { Description = "Maximum time to allow one check to run (ms|s|m|h) [default: 30s]", HelpName = "DURATION" };

    private readonly Option<string> _retries = new("--health-retries") { Description = "Consecutive failures needed to report unhealthy [default: 3]", HelpName = "N" };

    private readonly Option<string> _startPeriod = new("--health-start-period")
    {
        Description = "Start period for the container to initialize before failures count (ms|s|m|h) [default: 0s]", HelpName = "DURATION",
    };

    private readonly Option<string> _startInterval = new("--health-start-interval")
    {
        Description = "Time between running the check during the start period (ms|s|m|h) [default: 5s]", HelpName = "DURATION",
    };

    private readonly Option<bool> _disabled = new("--no-healthcheck") { Description = "Disable any container-specified HEALTHCHECK" };

    private readonly Option<string> _onFailure = new("--health-on-failure")
    {
        Description = "Action when the container turns unhealthy: none, kill, or restart (kill and start again, with or without --restart) [default: none]",
        HelpName = "ACTION",
    };

    public IEnumerable<Option> Options => [_cmd, _interval, _timeout, _retries, _startPeriod, _startInterval, _disabled, _onFailure];

    /// <summary>What the flags ask; InvalidArgument naming the flag when a value breaks its rule.</summary>
    public HealthOverrides Read(Invocation run)
    {
        var config = new HealthConfig
        {
            Test = run.Get(_cmd) is { } cmd ? ["CMD-SHELL", cmd] : null,
            Interval = Duration(run, _interval),
            Timeout = Duration(run, _timeout),
            StartPeriod = Duration(run, _startPeriod),
            StartInterval = Duration(run, _startInterval),
            Retries = run.Get(_retries) is { } retries ? Retries(retries) : null,
        };
        var disabled = run.Get(_disabled);
        if (disabled && config != new HealthConfig())
            throw PlatformException.InvalidArgument("--no-healthcheck conflicts with --health-* options");
        if (config.Test is [_, var command] && string.IsNullOrWhiteSpace(command))
            throw PlatformException.InvalidArgument("--health-cmd must not be empty");
        var onFailure = run.Get(_onFailure);
        if (onFailure is not null && !HealthCheck.OnFailureActions.Contains(onFailure))
            throw PlatformException.InvalidArgument($"--health-on-failure must be one of {string.Join(", ", HealthCheck.OnFailureActions)} (got \"{onFailure}\")");
        return new HealthOverrides { Config = config, Disabled = disabled, OnFailure = onFailure };
    }

    private static TimeSpan? Duration(Invocation run, Option<string> option)
    {
        if (run.Get(option) is not { } text)
            return null;
        var value = GoDuration.Parse(text, option.Name);
        if (value < TimeSpan.Zero)
            throw PlatformException.InvalidArgument($"{option.Name} cannot be negative");
        if (value != TimeSpan.Zero && value < HealthCheck.MinimumDuration)
            throw PlatformException.InvalidArgument($"{option.Name} must be at least 1ms (0 keeps the image's or the default)");
        return value;
    }

    private static int Retries(string text)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var retries))
            throw PlatformException.InvalidArgument($"--health-retries must be a whole number (got \"{text}\")");
        if (retries < 0)
            throw PlatformException.InvalidArgument("--health-retries cannot be negative");
        return retries;
    }
}
