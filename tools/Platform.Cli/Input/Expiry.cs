using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Common.Errors;

namespace Platform.Cli.Input;

/// <summary>
/// The <c>--expires</c> value of a lease: a duration from now (<c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>, combined
/// as in <c>1h30m</c>; also <c>ms</c>) or an ISO-8601 time (<c>2026-12-01T12:00:00Z</c>; UTC when it has no offset).
/// </summary>
internal static partial class Expiry
{
    public static DateTimeOffset Parse(string text, DateTimeOffset now)
    {
        if (WholeDuration().IsMatch(text))
        {
            try
            {
                var total = TimeSpan.Zero;
                foreach (Match part in DurationPart().Matches(text))
                {
                    var amount = double.Parse(part.Groups["amount"].Value, CultureInfo.InvariantCulture);
                    total += part.Groups["unit"].Value switch
                    {
                        "ms" => TimeSpan.FromMilliseconds(amount),
                        "s" => TimeSpan.FromSeconds(amount),
                        "m" => TimeSpan.FromMinutes(amount),
                        "h" => TimeSpan.FromHours(amount),
                        _ => TimeSpan.FromDays(amount),
                    };
                }
                if (total <= TimeSpan.Zero)
                    throw PlatformException.InvalidArgument($"--expires \"{text}\" must be longer than zero");
                return now + total;
            }
            catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
            {
                throw PlatformException.InvalidArgument($"--expires \"{text}\" is too far in the future");
            }
        }
        if (IsoDate().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return at;
        throw PlatformException.InvalidArgument(
            $"--expires \"{text}\" is neither a duration (30s, 10m, 2h, 1d, 1h30m) nor an ISO-8601 time (2026-12-01T12:00:00Z)");
    }

    [GeneratedRegex(@"^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$")]
    private static partial Regex WholeDuration();

    [GeneratedRegex(@"(?<amount>\d+(?:\.\d+)?)(?<unit>ms|s|m|h|d)")]
    private static partial Regex DurationPart();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}")]
    private static partial Regex IsoDate();
}
