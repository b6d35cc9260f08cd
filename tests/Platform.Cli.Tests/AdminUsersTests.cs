using System.Text.Json;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Testing;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>
/// <c>admin users</c> end to end: the broker user through RabbitMQ's management API, the grants through the metadata
/// service, and the printed address really working, for its namespaces only. The fixture's own user is the services'
/// (an administrator by definition), so it can manage users.
/// </summary>
public sealed class When_an_administrator_manages_users(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Add_prints_a_working_address_once_and_the_user_works_only_in_its_namespaces()
    {
        var ctl = PlatformCtl.For(fixture);
        var name = "cli-user-" + Guid.NewGuid().ToString("N")[..8];
        var ns = "team-" + Guid.NewGuid().ToString("N")[..8];

        var added = await ctl.RunAsync("-o", "json", "admin", "users", "add", name, "--namespace", ns, "--privileged");
        Assert.True(added.ExitCode == 0, added.Stderr);
        using var printed = JsonDocument.Parse(added.Stdout);
        Assert.Equal(name, printed.RootElement.GetProperty("user").GetString());
        var password = printed.RootElement.GetProperty("password").GetString()!;
        Assert.True(password.Length >= 32, "a generated password of at least 32 characters");
        var uri = new Uri(printed.RootElement.GetProperty("uri").GetString()!);
        Assert.Equal(name, BusIdentity.UserOf(uri));

        var options = fixture.ClientOptions;
        options.BusUri = uri;
        await using (var user = await PlatformClient.ConnectAsync(options, Ct))
        {
            var created = await user.Containers.CreateAsync(new CreateContainer { Namespace = ns, Id = "c1", Runtime = new RuntimeInfo { Name = "runc" }, Spec = Spec }, Ct);
            Assert.Equal("c1", created.Id);
            var denied = await Assert.ThrowsAsync<PlatformException>(() => user.Containers.GetAsync("c1", "default", Ct));
            Assert.Equal(ErrorKind.PermissionDenied, denied.Kind);
        }

        var listed = await ctl.RunAsync("admin", "users", "ls");
        Assert.Contains(listed.Stdout.Split('\n'), l => l.StartsWith(name + " ") && l.Contains($"{ns}:rw+privileged"));

        var granted = await ctl.RunAsync("admin", "users", "grant", name, "--namespace", "other", "--read-only");
        Assert.True(granted.ExitCode == 0, granted.Stderr);
        Assert.Contains("other:ro", granted.Stdout);
        var revoked = await ctl.RunAsync("admin", "users", "revoke", name, "--namespace", ns);
        Assert.True(revoked.ExitCode == 0, revoked.Stderr);
        Assert.DoesNotContain($"{ns}:", revoked.Stdout);

        var removed = await ctl.RunAsync("admin", "users", "rm", name);
        Assert.True(removed.ExitCode == 0, removed.Stderr);
        // The broker user is gone: its address no longer connects.
        options.ConnectTimeout = TimeSpan.FromSeconds(3);
        var refused = await Assert.ThrowsAsync<PlatformException>(() => PlatformClient.ConnectAsync(options, Ct));
        Assert.Equal(ErrorKind.Unavailable, refused.Kind);
        Assert.DoesNotContain(listed.Stdout, (await ctl.RunAsync("admin", "users", "ls")).Stdout.Split('\n').Where(l => l.StartsWith(name + " ")));
    }

    [Fact]
    public async Task Adding_a_user_twice_is_refused_and_leaves_the_first_intact()
    {
        var ctl = PlatformCtl.For(fixture);
        var name = "cli-twice-" + Guid.NewGuid().ToString("N")[..8];
        var first = await ctl.RunAsync("-o", "json", "admin", "users", "add", name, "--namespace", "a");
        Assert.True(first.ExitCode == 0, first.Stderr);
        try
        {
            var second = await ctl.RunAsync("admin", "users", "add", name, "--namespace", "b");
            Assert.Equal(ExitCodes.For(ErrorKind.AlreadyExists), second.ExitCode);
            Assert.Contains("already exists", second.Stderr);
            Assert.Empty(second.Stdout);

            var uri = new Uri(JsonDocument.Parse(first.Stdout).RootElement.GetProperty("uri").GetString()!);
            var options = fixture.ClientOptions;
            options.BusUri = uri;
            await using var user = await PlatformClient.ConnectAsync(options, Ct);
            Assert.Empty(await user.Containers.ListAsync(null, "a", cancellationToken: Ct).ToListAsync(Ct));
        }
        finally
        {
            await ctl.RunAsync("admin", "users", "rm", name);
        }
    }

    [Fact]
    public async Task A_bad_name_is_refused_before_any_broker_user_exists()
    {
        var ctl = PlatformCtl.For(fixture);
        var result = await ctl.RunAsync("admin", "users", "add", "bad name", "--namespace", "a");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("name", result.Stderr);
    }
}
