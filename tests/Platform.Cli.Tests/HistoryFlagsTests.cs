using Platform.Cli.Commands.Events;
using Platform.Common.Errors;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>The times <c>events --since/--until</c> take: RFC 3339, Unix seconds, or a duration before now.</summary>
public sealed class When_a_history_time_is_given
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-12-08T10:30:00Z", "2026-12-08T10:30:00+00:00")]
    [InlineData("2026-12-08T11:30:00+01:00", "2026-12-08T10:30:00+00:00")]
    [InlineData("2026-12-08T10:30:00", "2026-12-08T10:30:00+00:00")]
    [InlineData("1796725800", "2026-12-08T10:30:00+00:00")]
    [InlineData("10m", "2026-12-08T11:50:00+00:00")]
    [InlineData("1h30m", "2026-12-08T10:30:00+00:00")]
    public void It_is_read_as_that_instant(string text, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), HistoryFlags.Time("--since", text, Now));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-10m")]
    [InlineData("2026-13-01T00:00:00Z")]
    public void Anything_else_is_invalid_and_names_the_flag(string text)
    {
        var e = Assert.Throws<PlatformException>(() => HistoryFlags.Time("--until", text, Now));

        Assert.Equal(Contracts.ErrorKind.InvalidArgument, e.Kind);
        Assert.StartsWith($"--until \"{text}\"", e.Message);
    }
}
