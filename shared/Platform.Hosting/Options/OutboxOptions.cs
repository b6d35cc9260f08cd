using System.ComponentModel.DataAnnotations;

namespace Platform.Hosting.Options;

/// <summary>Configuration section <c>Outbox</c>: how stored events are relayed to the bus.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Most events published in one batch before their confirms are awaited together. Default 500.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// How long the relay lingers after being woken before it reads, so commits arriving close together leave in
    /// one batch (and are forgotten in one write) rather than one by one. It lingers only while events come in
    /// bursts (its last batch held more than one); a lone event after a quiet spell leaves at once, so a single
    /// change's event is not delayed. Default 2 ms; zero never lingers.
    /// </summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How often the relay looks for events when nothing woke it. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>When false, no relay runs in this process (tests that stop it). Default true.</summary>
    public bool Enabled { get; set; } = true;
}
