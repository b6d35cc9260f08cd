using System.Globalization;
using System.Text.Json;
using Platform.Cli.Input;
using Platform.Common.Errors;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary><c>leases create|ls|rm|resources|add-resource|rm-resource</c> through the real resource service.</summary>
public sealed class When_a_user_manages_leases(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static List<string[]> Leases(CliResult result) => Output.Table(result.Stdout, "ID", "CREATED", "EXPIRES", "LABELS");

    [Fact]
    public async Task Create_prints_the_lease_and_ls_lists_it_with_its_expiry_and_labels()
    {
        var ctl = PlatformCtl.For(fixture);
        var before = DateTimeOffset.UtcNow;

        var created = Output.Block((await OkAsync(ctl, "leases", "create", "--id", "build-1", "--label", "owner=ci", "--expires", "10m")).Stdout);
        var forever = Output.Json((await OkAsync(ctl, "leases", "create", "-o", "json")).Stdout);

        Assert.Equal(["ID", "Namespace", "Labels", "Created", "Expires"], created.Keys);
        Assert.Equal(("build-1", ctl.Namespace, "owner=ci"), (created["ID"], created["Namespace"], created["Labels"]));
        var expires = DateTimeOffset.Parse(created["Expires"], CultureInfo.InvariantCulture);
        Assert.InRange(expires, before.AddMinutes(10), DateTimeOffset.UtcNow.AddMinutes(10));
        Assert.Equal(["id", "namespace", "labels", "createdAt", "expiresAt"], Output.PropertyNames(forever));
        Assert.Equal(JsonValueKind.Null, forever.GetProperty("expiresAt").ValueKind);
        var generated = forever.GetProperty("id").GetString()!;
        Assert.False(string.IsNullOrEmpty(generated));

        var rows = Leases(await OkAsync(ctl, "leases", "ls"));
        Assert.Equal(new[] { "build-1", generated }.Order(StringComparer.Ordinal), rows.Select(r => r[0]));
        var build = rows.Single(r => r[0] == "build-1");
        Assert.Equal((created["Created"], created["Expires"], "owner=ci"), (build[1], build[2], build[3]));
        Assert.Equal("-", rows.Single(r => r[0] == generated)[2]);
        Assert.Equal([["build-1"]], Leases(await OkAsync(ctl, "leases", "ls", "--filter", "labels.owner==ci")).Select(r => r[..1]));
        var byId = Output.Json((await OkAsync(ctl, "leases", "ls", "--filter", $"id=={generated}", "-o", "json")).Stdout);
        Assert.Equal([generated], byId.EnumerateArray().Select(l => l.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task An_iso_expiry_is_kept_and_bad_or_past_expiries_exit_3()
    {
        var ctl = PlatformCtl.For(fixture);
        var at = DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        var created = Output.Json((await OkAsync(ctl, "leases", "create", "--id", "dated", "--expires", at, "-o", "json")).Stdout);
        var nonsense = await ctl.RunAsync("leases", "create", "--expires", "soon");
        var past = await ctl.RunAsync("leases", "create", "--expires", "2001-01-01T00:00:00Z");

        Assert.Equal(DateTimeOffset.Parse(at, CultureInfo.InvariantCulture), created.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal((3, ""), (nonsense.ExitCode, nonsense.Stdout));
        Assert.Contains("--expires \"soon\"", nonsense.Stderr);
        Assert.Equal((3, ""), (past.ExitCode, past.Stdout));
        Assert.StartsWith("error: InvalidArgument: ", past.Stderr);
        Assert.Equal(["dated"], Leases(await OkAsync(ctl, "leases", "ls")).Select(r => r[0]));
    }

    [Fact]
    public async Task Resources_are_added_listed_and_removed_and_one_only_the_lease_held_is_collected_when_let_go()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "leases", "create", "--id", "work");
        await OkAsync(ctl, "snapshots", "prepare", "held-from-the-start", "--lease", "work");
        await OkAsync(ctl, "snapshots", "prepare", "scratch", "--snapshotter", "native");

        var added = await OkAsync(ctl, "leases", "add-resource", "work", "scratch", "--snapshotter", "native");

        var held = Output.Table(added.Stdout, "KIND", "SNAPSHOTTER", "KEY");
        Assert.Contains(["snapshot", "native", "scratch"], held);
        Assert.Contains(held, r => r[0] == "snapshot" && r[2] == "held-from-the-start");
        var listed = Output.Json((await OkAsync(ctl, "leases", "resources", "work", "-o", "json")).Stdout);
        Assert.Equal(["held-from-the-start", "scratch"], listed.EnumerateArray().Select(r => r.GetProperty("key").GetString()).Order(StringComparer.Ordinal));
        Assert.All(listed.EnumerateArray(), r => Assert.Equal(["kind", "snapshotter", "key"], Output.PropertyNames(r)));

        var removed = await OkAsync(ctl, "leases", "rm-resource", "work", "scratch", "--snapshotter", "native");

        Assert.DoesNotContain("scratch", removed.Stdout);
        Assert.Contains("held-from-the-start", removed.Stdout);
        // Nothing else held it: the release collects it at once.
        Assert.Equal(4, (await ctl.RunAsync("snapshots", "stat", "scratch", "--snapshotter", "native")).ExitCode);
        Assert.Equal(0, (await ctl.RunAsync("snapshots", "stat", "held-from-the-start")).ExitCode);
    }

    [Fact]
    public async Task Rm_removes_leases_collects_what_only_they_held_and_goes_on_past_a_missing_one()
    {
        var ctl = PlatformCtl.For(fixture);
        await OkAsync(ctl, "leases", "create", "--id", "one");
        await OkAsync(ctl, "leases", "create", "--id", "two");
        await OkAsync(ctl, "snapshots", "prepare", "leased", "--lease", "one");

        var result = await ctl.RunAsync("leases", "rm", "one", "ghost", "two");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal(["one", "two"], result.Lines);
        Assert.StartsWith("error: NotFound: ", result.Stderr);
        Assert.Contains("ghost", result.Stderr);
        Assert.Empty(Leases(await OkAsync(ctl, "leases", "ls")));
        Assert.Equal(4, (await ctl.RunAsync("snapshots", "stat", "leased")).ExitCode);
        Assert.Equal(4, (await ctl.RunAsync("leases", "resources", "one")).ExitCode);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("10m", 600)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5s", 1.5)]
    [InlineData("250ms", 0.25)]
    public void Durations_count_from_now(string text, double seconds)
    {
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Assert.Equal(now.AddSeconds(seconds), Expiry.Parse(text, now));
    }

    [Theory]
    [InlineData("2026-12-01T12:00:00Z", "2026-12-01T12:00:00+00:00")]
    [InlineData("2026-12-01T14:00:00+02:00", "2026-12-01T12:00:00+00:00")]
    [InlineData("2026-12-01T12:00:00", "2026-12-01T12:00:00+00:00")]
    public void Iso_times_are_taken_as_they_are_and_as_UTC_without_an_offset(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), Expiry.Parse(text, DateTimeOffset.UnixEpoch));

    [Theory]
    [InlineData("30")]
    [InlineData("0s")]
    [InlineData("10 m")]
    [InlineData("10M")]
    [InlineData("tomorrow")]
    [InlineData("12/01/2026")]
    [InlineData("99999999999999d")]
    public void Anything_else_is_InvalidArgument(string text) =>
        Assert.Equal(Contracts.ErrorKind.InvalidArgument, Assert.Throws<PlatformException>(() => Expiry.Parse(text, DateTimeOffset.UtcNow)).Kind);
}
