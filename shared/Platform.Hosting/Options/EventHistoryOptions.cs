using System.ComponentModel.DataAnnotations;

namespace Platform.Hosting.Options;

/// <summary>Configuration section <c>Events:History</c>: how long each service keeps the events it published.</summary>
public sealed class EventHistoryOptions
{
    public const string Section = "Events:History";

    /// <summary>Published events older than this (by their timestamp) are pruned. Default 24 h.</summary>
    [Duration("00:00:01", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Most published events each store keeps; the oldest beyond it are pruned. Default 100,000.</summary>
    [Range(0, 100_000_000)]
    public int MaxEvents { get; set; } = 100_000;

    /// <summary>How often the history is pruned. Default 1 min.</summary>
    [Duration("00:00:00.010", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(1);
}
