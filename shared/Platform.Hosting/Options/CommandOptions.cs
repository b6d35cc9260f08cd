namespace Platform.Hosting.Options;

/// <summary>Configuration section <c>Commands</c>: how long a command's first outcome answers its redeliveries.</summary>
public sealed class CommandOptions
{
    public const string Section = "Commands";

    /// <summary>
    /// How long a command's outcome is kept, so that a redelivery or a retry with the same message id gets the first
    /// outcome rather than AlreadyExists or NotFound. Longer than any redelivery or retry takes. Default 10 minutes.
    /// </summary>
    [Duration("00:00:01", "7.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often outcomes older than <see cref="Retention"/> are forgotten. Default 1 minute.</summary>
    [Duration("00:00:01", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(1);
}
