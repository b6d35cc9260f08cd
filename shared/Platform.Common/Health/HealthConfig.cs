namespace Platform.Common.Health;

/// <summary>
/// docker's <c>HealthConfig</c> as a user's flags or an image's config give it: every member optional, and null (or zero,
/// as docker reads it) inherits the layer below (flags over the image, the image over the defaults). A
/// <see cref="Test"/> of <c>["NONE"]</c> disables the check.
/// </summary>
public sealed record HealthConfig
{
    /// <summary><c>["CMD", arg...]</c>, <c>["CMD-SHELL", command]</c> or <c>["NONE"]</c>; null or empty to inherit.</summary>
    public IReadOnlyList<string>? Test { get; init; }

    public TimeSpan? Interval { get; init; }

    public TimeSpan? Timeout { get; init; }

    public TimeSpan? StartPeriod { get; init; }

    public TimeSpan? StartInterval { get; init; }

    public int? Retries { get; init; }
}
