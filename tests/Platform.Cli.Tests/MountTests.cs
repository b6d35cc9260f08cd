using System.Runtime.Versioning;
using Platform.Contracts.Users;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary>
/// <c>run</c>'s mount flags (<c>-v</c>, <c>--mount</c>, <c>--tmpfs</c>, <c>--read-only</c>) on real containers: what
/// the process inside sees and may write, and what the runtime policy refuses an unprivileged user.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_user_runs_with_mounts(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Scratch _scratch = new();

    private async Task<PlatformCtl> CtlWithBusyboxAsync()
    {
        Requirements.Runtime();
        var ctl = PlatformCtl.For(fixture);
        var rootfs = BusyboxRootfs.Create(_scratch.Folder("rootfs-" + Guid.NewGuid().ToString("N")[..8]));
        await OkAsync(ctl, "snapshots", "import", "busybox", "--from", rootfs);
        return ctl;
    }

    [Fact]
    public async Task A_bind_mount_shows_the_host_file_and_ro_refuses_writes_while_rw_reaches_the_host()
    {
        var ctl = await CtlWithBusyboxAsync();
        var host = _scratch.Folder("host-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(Path.Combine(host, "hello.txt"), "from the host\n", Ct);

        var ro = await OkAsync(ctl, "run", "--rm", "--snapshot", "busybox", "-v", $"{host}:/data:ro", "bind-ro", "--",
            "sh", "-c", "cat /data/hello.txt; if echo x > /data/new 2>/dev/null; then echo wrote; else echo refused; fi");
        Assert.Equal("from the host\nrefused\n", ro.Stdout);
        Assert.False(File.Exists(Path.Combine(host, "new")));

        var rw = await OkAsync(ctl, "run", "--rm", "--snapshot", "busybox", "--mount", $"type=bind,source={host},target=/data", "bind-rw", "--",
            "sh", "-c", "echo from the container > /data/new");
        Assert.Equal("from the container\n", await File.ReadAllTextAsync(Path.Combine(host, "new"), Ct));
    }

    [Fact]
    public async Task Tmpfs_flags_mount_a_tmpfs_with_its_size_and_docker_defaults()
    {
        var ctl = await CtlWithBusyboxAsync();

        var result = await OkAsync(ctl, "run", "--rm", "--snapshot", "busybox", "--tmpfs", "/t:size=1m", "--mount", "type=tmpfs,target=/u,tmpfs-size=2m",
            "tmpfs", "--", "sh", "-c", "grep -E ' /(t|u) ' /proc/mounts");

        var lines = result.Lines;
        var t = Assert.Single(lines, l => l.Split(' ')[1] == "/t");
        var u = Assert.Single(lines, l => l.Split(' ')[1] == "/u");
        Assert.Equal("tmpfs", t.Split(' ')[2]);
        Assert.Equal("tmpfs", u.Split(' ')[2]);
        Assert.Contains("size=1024k", t);
        Assert.Contains("size=2048k", u);
        Assert.Contains("noexec", t);
        Assert.Contains("nosuid", u);
    }

    [Fact]
    public async Task Read_only_refuses_writes_to_the_root_but_not_to_a_tmpfs()
    {
        var ctl = await CtlWithBusyboxAsync();
        const string script = "if touch /x 2>/dev/null; then echo root-wrote; else echo root-refused; fi; touch /scratch/y && echo tmpfs-wrote";

        var readOnly = await OkAsync(ctl, "run", "--rm", "--snapshot", "busybox", "--read-only", "--tmpfs", "/scratch", "ro-root", "--", "sh", "-c", script);
        var writable = await OkAsync(ctl, "run", "--rm", "--snapshot", "busybox", "--tmpfs", "/scratch", "rw-root", "--", "sh", "-c", script);

        Assert.Equal("root-refused\ntmpfs-wrote\n", readOnly.Stdout);
        Assert.Equal("root-wrote\ntmpfs-wrote\n", writable.Stdout);
    }

    [Fact]
    public async Task An_unprivileged_user_cannot_bind_a_host_folder_outside_the_allowed_ones()
    {
        var ctl = await CtlWithBusyboxAsync();
        await using var broker = await BrokerUsers.CreateAsync("mounts");
        await fixture.Client.Users.CreateAsync(new CreateUser
        {
            Name = broker.Name, Grants = [new UserGrant { Namespace = ctl.Namespace, Role = NamespaceRole.ReadWrite }],
        }, Ct);
        var user = PlatformCtl.As(fixture, broker.BusUri, ctl.Namespace);

        var refused = await user.RunAsync("run", "--rm", "--snapshot", "busybox", "-v", "/etc:/host-etc:ro", "etc", "--", "cat", "/host-etc/hostname");
        // Control: the same user runs the same container without the bind mount.
        var allowed = await user.RunAsync("run", "--rm", "--snapshot", "busybox", "--tmpfs", "/t", "plain", "--", "echo", "ran");

        Assert.True(refused.ExitCode == ExitCodes.PermissionDenied, refused.ToString());
        Assert.Contains(".source:", refused.Stderr);
        Assert.Contains("/etc is outside the allowed bind sources", refused.Stderr);
        Assert.Equal("", refused.Stdout);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Equal("ran\n", allowed.Stdout);
    }

    [Fact]
    public async Task An_unprivileged_user_mounts_its_namespace_s_volumes_but_not_another_namespace_s_folder()
    {
        var ctl = await CtlWithBusyboxAsync();
        await using var broker = await BrokerUsers.CreateAsync("volumes");
        await fixture.Client.Users.CreateAsync(new CreateUser
        {
            Name = broker.Name, Grants = [new UserGrant { Namespace = ctl.Namespace, Role = NamespaceRole.ReadWrite }],
        }, Ct);
        var user = PlatformCtl.As(fixture, broker.BusUri, ctl.Namespace);
        var other = PlatformCtl.For(fixture);
        await OkAsync(other, "volumes", "create", "theirs");
        var theirs = System.Text.Json.JsonDocument.Parse((await OkAsync(other, "volumes", "inspect", "theirs", "-o", "json")).Stdout)
            .RootElement.GetProperty("mountpoint").GetString()!;

        var own = await user.RunAsync("run", "--rm", "--snapshot", "busybox", "-v", "mine:/data", "own", "--", "sh", "-c", "echo ok > /data/f && cat /data/f");
        var stolen = await user.RunAsync("run", "--rm", "--snapshot", "busybox", "-v", $"{theirs}:/x", "steal", "--", "true");

        Assert.True(own.ExitCode == 0, own.ToString());
        Assert.Equal("ok\n", own.Stdout);
        Assert.True(stolen.ExitCode == ExitCodes.PermissionDenied, stolen.ToString());
        Assert.Contains("is outside the allowed bind sources", stolen.Stderr);
    }

    [Theory]
    [InlineData("--volume", "relative:ctr", "must be an absolute path in the container")]
    [InlineData("--volume", "/only-one-part", "must be SOURCE:TARGET")]
    [InlineData("--volume", "/host:/c:rx", "option \"rx\" is not supported")]
    [InlineData("--mount", "type=nfs,target=/c", "type \"nfs\" is not supported")]
    [InlineData("--mount", "type=bind,source=rel,target=/c", "a bind source must be an absolute host path")]
    [InlineData("--mount", "type=tmpfs,source=x,target=/c", "a tmpfs mount has no source")]
    [InlineData("--tmpfs", "/t:size=lots", "size \"lots\" must be a number")]
    [InlineData("--tmpfs", "/t:suid", "option \"suid\" is not allowed")]
    public async Task A_malformed_mount_flag_is_an_invalid_argument_naming_the_flag(string flag, string value, string rule)
    {
        var ctl = PlatformCtl.For(fixture);

        var result = await ctl.RunAsync("run", "--rm", flag, value, "busybox", "true");

        Assert.True(result.ExitCode == ExitCodes.InvalidArgument, result.ToString());
        Assert.Contains($"{flag} \"{value}\"", result.Stderr);
        Assert.Contains(rule, result.Stderr);
    }

    public void Dispose() => _scratch.Dispose();
}
