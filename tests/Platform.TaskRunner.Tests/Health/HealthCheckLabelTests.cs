using Platform.Common.Errors;
using Platform.Common.Health;
using Platform.Contracts;
using Xunit;

namespace Platform.TaskRunner.Tests.Health;

/// <summary>The label that keeps a container's health check: docker's merge of flags over the image, its rules, its round trip.</summary>
public sealed class When_a_health_check_is_resolved
{
    [Fact]
    public void Should_let_flags_win_member_by_member_over_the_image_and_defaults_fill_the_rest()
    {
        var image = new HealthConfig { Test = ["CMD", "/bin/check"], Interval = TimeSpan.FromSeconds(10), Retries = 7 };
        var user = new HealthConfig { Interval = TimeSpan.FromMilliseconds(500), Retries = 0 };

        var check = HealthCheck.Resolve(user, image, disabled: false, onFailure: "kill")!;

        Assert.Equal(["CMD", "/bin/check"], check.Test);
        Assert.Equal(TimeSpan.FromMilliseconds(500), check.Interval);
        Assert.Equal(7, check.Retries); // zero inherits, as docker reads it
        Assert.Equal(HealthCheck.DefaultTimeout, check.Timeout);
        Assert.Equal(["/bin/check"], check.ProcessArgs);
        Assert.Equal(check.ToJson(), HealthCheck.Parse(check.ToJson()).ToJson());
    }

    [Fact]
    public void Should_have_no_check_when_disabled_or_NONE()
    {
        var image = new HealthConfig { Test = ["CMD-SHELL", "true"] };
        Assert.Null(HealthCheck.Resolve(null, image, disabled: true, onFailure: null));
        Assert.Null(HealthCheck.Resolve(new HealthConfig { Test = ["NONE"] }, image, disabled: false, onFailure: null));
        Assert.Null(HealthCheck.Resolve(null, null, disabled: false, onFailure: "kill"));
        Assert.Equal(["/bin/sh", "-c", "true"], HealthCheck.Resolve(null, image, false, null)!.ProcessArgs);
    }

    [Theory]
    [InlineData("{\"test\":[\"CMD-SHELL\"]}", "test")]
    [InlineData("{\"test\":[\"CMD-SHELL\",\"true\"],\"interval\":\"0s\"}", "interval")]
    [InlineData("{\"test\":[\"CMD-SHELL\",\"true\"],\"timeout\":\"soon\"}", "timeout")]
    [InlineData("{\"test\":[\"CMD-SHELL\",\"true\"],\"retries\":0}", "retries")]
    [InlineData("{\"test\":[\"CMD-SHELL\",\"true\"],\"onFailure\":\"stop\"}", "onFailure")]
    [InlineData("not json", "not JSON")]
    public void Should_refuse_a_malformed_label_naming_it_and_the_rule(string json, string rule)
    {
        var e = Assert.Throws<PlatformException>(() => HealthCheck.FromLabels(new Dictionary<string, string> { [HealthCheck.Label] = json }));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(HealthCheck.Label, e.Message);
        Assert.Contains(rule, e.Message);
    }

    [Theory]
    [InlineData("500ms", 5_000_000L)]
    [InlineData("1m30s", 900_000_000L)]
    [InlineData("1.5h", 54_000_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("-2s", -20_000_000L)]
    public void Should_read_go_durations(string text, long ticks) => Assert.Equal(TimeSpan.FromTicks(ticks), GoDuration.Parse(text, "--flag"));

    [Fact]
    public void Should_write_go_durations() =>
        Assert.Equal(["0s", "500ms", "30s", "1m30s", "1h0m0s"],
            new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(90), TimeSpan.FromHours(1) }.Select(GoDuration.Format));
}
