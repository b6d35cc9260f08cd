using System.Text.Json.Serialization;
using Platform.Common.Health;

namespace Platform.Client.Images;

/// <summary>docker's <c>Healthcheck</c> in an image config (durations in nanoseconds; zero or missing inherits).</summary>
public sealed record ImageHealthcheck
{
    /// <summary><c>["CMD", ...]</c>, <c>["CMD-SHELL", "..."]</c>, <c>["NONE"]</c>, or empty to inherit.</summary>
    [JsonPropertyName("Test")]
    public IReadOnlyList<string>? Test { get; init; }

    [JsonPropertyName("Interval")]
    public long? Interval { get; init; }

    [JsonPropertyName("Timeout")]
    public long? Timeout { get; init; }

    [JsonPropertyName("StartPeriod")]
    public long? StartPeriod { get; init; }

    [JsonPropertyName("StartInterval")]
    public long? StartInterval { get; init; }

    [JsonPropertyName("Retries")]
    public int? Retries { get; init; }

    /// <summary>As the merge with a user's flags takes it.</summary>
    public HealthConfig ToConfig() => new()
    {
        Test = Test, Interval = FromNanoseconds(Interval), Timeout = FromNanoseconds(Timeout), StartPeriod = FromNanoseconds(StartPeriod),
        StartInterval = FromNanoseconds(StartInterval), Retries = Retries,
    };

    private static TimeSpan? FromNanoseconds(long? value) => value is { } ns ? TimeSpan.FromTicks(ns / 100) : null;
}
