using System.Globalization;
using System.Text;
using Platform.Common.Errors;

namespace Platform.Common.Health;

/// <summary>
/// Go's duration syntax, as docker's flags and Healthcheck take it: a sequence of decimal numbers, each with an optional
/// fraction and a unit (<c>ns</c>, <c>us</c>/<c>µs</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>), like <c>500ms</c>,
/// <c>1m30s</c>, <c>1.5h</c>; a sign may lead, and a bare <c>0</c> needs no unit.
/// </summary>
public static class GoDuration
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("ns", 0), ("us", 10), ("µs", 10), ("μs", 10), ("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>The duration, or InvalidArgument naming <paramref name="field"/> (a flag or a label's member).</summary>
    public static TimeSpan Parse(string? text, string field)
    {
        if (TryParse(text, out var value))
            return value;
        throw PlatformException.InvalidArgument($"{field}: invalid duration \"{text}\": use Go's syntax, a number and a unit (ns, us, ms, s, m, h), e.g. 500ms, 30s, 1m30s");
    }

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
            return false;
        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s is "0")
            return true;
        if (s.IsEmpty)
            return false;
        decimal ticks = 0;
        while (!s.IsEmpty)
        {
            var numberEnd = 0;
            while (numberEnd < s.Length && (char.IsAsciiDigit(s[numberEnd]) || s[numberEnd] == '.'))
                numberEnd++;
            if (numberEnd == 0 || !decimal.TryParse(s[..numberEnd], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return false;
            s = s[numberEnd..];
            var unitEnd = 0;
            while (unitEnd < s.Length && !char.IsAsciiDigit(s[unitEnd]) && s[unitEnd] != '.')
                unitEnd++;
            var unit = s[..unitEnd].ToString();
            var match = Array.FindIndex(Units, u => u.Unit == unit);
            if (match < 0)
                return false;
            // Nanoseconds are below a tick (100 ns): they count as a fraction of one.
            ticks += Units[match].Ticks == 0 ? number / 100m : number * Units[match].Ticks;
            if (ticks > TimeSpan.MaxValue.Ticks)
                return false;
            s = s[unitEnd..];
        }
        value = TimeSpan.FromTicks((long)decimal.Round(ticks) * (negative ? -1 : 1));
        return true;
    }

    /// <summary>Go's rendering: <c>0s</c>, <c>500ms</c>, <c>1m30s</c>, <c>1h0m0s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
            return "0s";
        var sign = value < TimeSpan.Zero ? "-" : "";
        value = value.Duration();
        if (value < TimeSpan.FromSeconds(1))
        {
            return value.Ticks % TimeSpan.TicksPerMillisecond == 0
                ? $"{sign}{value.Ticks / TimeSpan.TicksPerMillisecond}ms"
                : $"{sign}{(value.Ticks / 10m).ToString(CultureInfo.InvariantCulture)}µs";
        }
        var text = new StringBuilder(sign);
        if (value.TotalHours >= 1)
            text.Append(CultureInfo.InvariantCulture, $"{(long)value.TotalHours}h");
        if (value.TotalMinutes >= 1)
            text.Append(CultureInfo.InvariantCulture, $"{value.Minutes}m");
        var seconds = (value.Ticks % TimeSpan.TicksPerMinute) / (decimal)TimeSpan.TicksPerSecond;
        text.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('s');
        return text.ToString();
    }
}
