using System.CommandLine;
using System.Globalization;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Common.Health;

namespace Platform.Cli.Commands.Events;

/// <summary>
/// <c>events --since TIME|EVENT-ID</c> and <c>--until TIME</c>. A time is RFC 3339 (<c>2026-12-08T10:00:00Z</c>; UTC
/// without an offset), a Unix time in seconds (<c>1796716800</c>, a fraction allowed), or a duration before now as docker
/// takes it (<c>10m</c>, <c>2h</c>, <c>1h30m</c>); <c>--since</c> also takes an event id (a GUID, as <c>-o json</c> prints
/// it), meaning the events after that one.
/// </summary>
internal sealed class HistoryFlags
{
    public Option<string> Since { get; } = new("--since")
    {
        Description = "Print the kept events from this time (RFC 3339, Unix seconds, or a duration ago like 10m) or after this event id first",
        HelpName = "TIME|EVENT-ID",
    };

    public Option<string> Until { get; } = new("--until")
    {
        Description = "Print the kept events up to this time (as --since), then exit instead of following live events",
        HelpName = "TIME",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Since);
        command.Options.Add(Until);
    }

    /// <summary>Where the history starts (null: no history asked for) and where it ends (null: follow live events).</summary>
    public (EventsFrom? From, DateTimeOffset? Until) Read(Invocation run, DateTimeOffset now)
    {
        var until = run.Get(Until) is { } u ? Time("--until", u, now) : (DateTimeOffset?)null;
        EventsFrom? from = run.Get(Since) is not { } s ? null
            : Guid.TryParse(s, out var eventId) ? EventsFrom.After(eventId)
            : EventsFrom.Since(Time("--since", s, now));
        if (from?.Time is { } start && until is { } end && end < start)
            throw PlatformException.InvalidArgument($"--until ({end:O}) must not be before --since ({start:O})");
        return (until is not null ? from ?? EventsFrom.Oldest : from, until);
    }

    /// <summary>A time as the flags take it; InvalidArgument naming <paramref name="flag"/> and the forms it takes.</summary>
    public static DateTimeOffset Time(string flag, string text, DateTimeOffset now)
    {
        if (text.Length >= 10 && char.IsAsciiDigit(text[0]) && text[4] == '-'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return at;
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253_402_300_799m)
            return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        if (GoDuration.TryParse(text, out var ago) && ago >= TimeSpan.Zero && ago <= now - DateTimeOffset.UnixEpoch)
            return now - ago;
        throw PlatformException.InvalidArgument(
            $"{flag} \"{text}\" is neither an RFC 3339 time (2026-12-08T10:00:00Z), Unix seconds (1796716800) nor a duration ago (10m, 2h, 1h30m)");
    }
}
