using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Platform.Hosting.Resilience;

/// <summary>The retry pipelines every service shares (Polly): one place decides what is transient and how long to wait.</summary>
public static class Retry
{
    /// <summary>
    /// For start-up dependencies (broker, store) that may come up after us: retries forever with capped
    /// exponential back-off and says so in the log, instead of crashing the host.
    /// </summary>
    public static ResiliencePipeline Startup(ILogger logger, string dependency) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(10),
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                OnRetry = args =>
                {
                    logger.LogWarning("{Dependency} is not available yet ({Error}); retry {Attempt} in {Delay}",
                        dependency, args.Outcome.Exception?.Message, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    /// <summary>For a store or runtime call that failed transiently (busy database, lost connection): a few quick retries.</summary>
    public static ResiliencePipeline Transient(Func<Exception, bool> isTransient) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 4,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(20),
                ShouldHandle = new PredicateBuilder().Handle<Exception>(isTransient),
            })
            .Build();
}
