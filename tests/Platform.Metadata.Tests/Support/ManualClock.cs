namespace Platform.Metadata.Tests.Support;

/// <summary>A clock the test moves by hand, so timestamps in assertions are exact rather than "about now".</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public DateTimeOffset Advance(TimeSpan by) => Now += by;
}
