using System.Formats.Tar;
using System.Runtime.Versioning;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary><c>cp</c> into and out of real containers (runc, conmon, busybox-static), running and stopped.</summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_user_copies_files(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Scratch _scratch = new();

    private PlatformCtl Ctl()
    {
        Requirements.Runtime();
        return PlatformCtl.For(fixture);
    }

    /// <summary>A busybox rootfs with links that point out of the container if followed on the host.</summary>
    private string Rootfs()
    {
        var root = BusyboxRootfs.Create(_scratch.Folder("rootfs-" + Guid.NewGuid().ToString("N")[..8]));
        File.CreateSymbolicLink(Path.Combine(root, "etc", "escape"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(root, "up"), "../../../../../../..");
        return root;
    }

    [Fact]
    public async Task A_file_copied_into_a_running_task_is_what_exec_cat_prints()
    {
        var ctl = Ctl();
        await OkAsync(ctl, "run", "-d", "--rootfs", Rootfs(), "box", "--", "sleep", "600");
        try
        {
            var local = _scratch.Write("greeting.txt", "hello from the host\n"u8.ToArray());

            await OkAsync(ctl, "cp", local, "box:/root/");
            await OkAsync(ctl, "cp", local, "box:/tmp/renamed.txt");

            Assert.Equal("hello from the host\n", (await OkAsync(ctl, "tasks", "exec", "box", "--", "cat", "/root/greeting.txt")).Stdout);
            // /tmp is the task's own tmpfs: the copy lands in the mount the container sees, as docker's does.
            Assert.Equal("hello from the host\n", (await OkAsync(ctl, "tasks", "exec", "box", "--", "cat", "/tmp/renamed.txt")).Stdout);
        }
        finally
        {
            await OkAsync(ctl, "tasks", "kill", "box", "--signal", "KILL");
            await OkAsync(ctl, "tasks", "wait", "box");
        }
    }

    [Fact]
    public async Task A_folder_copied_out_of_a_running_task_has_the_same_files()
    {
        var ctl = Ctl();
        await OkAsync(ctl, "run", "-d", "--rootfs", Rootfs(), "maker", "--", "sh", "-c",
            "busybox mkdir -p /root/out/sub && echo one > /root/out/a && echo two > /root/out/sub/b && echo hidden > /root/out/.dot && busybox ln -s a /root/out/link && sleep 600");
        try
        {
            await Eventually.TrueAsync(async () => (await ctl.RunAsync("tasks", "exec", "maker", "--", "sh", "-c", "test -L /root/out/link")).ExitCode == 0,
                Ct, TimeSpan.FromSeconds(20), "the folder should be made");
            var target = Path.Combine(_scratch.Folder("out-" + Guid.NewGuid().ToString("N")[..8]), "copy");

            await OkAsync(ctl, "cp", "maker:/root/out", target);

            Assert.Equal("one\n", File.ReadAllText(Path.Combine(target, "a")));
            Assert.Equal("two\n", File.ReadAllText(Path.Combine(target, "sub", "b")));
            Assert.Equal("hidden\n", File.ReadAllText(Path.Combine(target, ".dot")));
            Assert.Equal("a", new FileInfo(Path.Combine(target, "link")).LinkTarget);
            Assert.Equal([".dot", "a", "link", "sub"],
                Directory.EnumerateFileSystemEntries(target).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray());

            // Into an existing folder, it lands under its own name.
            await OkAsync(ctl, "cp", "maker:/root/out", _scratch.Folder("into"));
            Assert.Equal("two\n", File.ReadAllText(Path.Combine(_scratch.Folder("into"), "out", "sub", "b")));
        }
        finally
        {
            await OkAsync(ctl, "tasks", "kill", "maker", "--signal", "KILL");
            await OkAsync(ctl, "tasks", "wait", "maker");
        }
    }

    [Fact]
    public async Task Links_resolve_inside_the_container_and_hostile_archives_are_refused()
    {
        var ctl = Ctl();
        await OkAsync(ctl, "run", "-d", "--rootfs", Rootfs(), "jail", "--", "sleep", "600");
        try
        {
            // /up is ../../../../../../.. and /etc/escape is /etc/passwd: both resolve from the container's root.
            var viaUp = Path.Combine(_scratch.Folder("up"), "passwd");
            await OkAsync(ctl, "cp", "jail:/up/etc/passwd", viaUp);
            Assert.Equal("root:x:0:0:root:/root:/bin/sh\n", File.ReadAllText(viaUp));
            var viaDots = Path.Combine(_scratch.Folder("dots"), "passwd");
            await OkAsync(ctl, "cp", "jail:/../../../../etc/passwd", viaDots);
            Assert.Equal("root:x:0:0:root:/root:/bin/sh\n", File.ReadAllText(viaDots));
            // With a trailing '/' the last link is followed, inside: to the container's /etc/passwd, a file, not a folder.
            var notFolder = await ctl.RunAsync("cp", "jail:/etc/escape/", Path.Combine(_scratch.Folder("through"), "x"));
            Assert.Equal(ExitCodes.For(ErrorKind.InvalidArgument), notFolder.ExitCode);
            var link = Path.Combine(_scratch.Folder("link"), "escape");
            await OkAsync(ctl, "cp", "jail:/etc/escape", link);
            Assert.Equal("/etc/passwd", new FileInfo(link).LinkTarget); // the link itself, as docker copies it

            // Writing through the links lands in the container, not on the host.
            var marker = _scratch.Write("marker-" + Guid.NewGuid().ToString("N")[..8], "inside\n"u8.ToArray());
            await OkAsync(ctl, "cp", marker, "jail:/up/root/");
            Assert.False(File.Exists(Path.Combine("/root", Path.GetFileName(marker))));
            Assert.Equal("inside\n", (await OkAsync(ctl, "tasks", "exec", "jail", "--", "cat", "/root/" + Path.GetFileName(marker))).Stdout);

            // Archives whose entries climb out, or go through a link they planted, are refused.
            var name = "escaped-" + Guid.NewGuid().ToString("N")[..8];
            foreach (var archive in new[] { Archive(("../../../../../../tmp/" + name, null)), Archive(("hop", "/"), ("hop/tmp/" + name, null)) })
            {
                await using var tar = new MemoryStream(archive);
                var refused = await Assert.ThrowsAsync<PlatformException>(() =>
                    fixture.Client.Tasks.CopyToAsync("jail", tar, "/root", null, true, ctl.Namespace, Ct));
                Assert.Equal(ErrorKind.InvalidArgument, refused.Kind);
                Assert.False(File.Exists("/tmp/" + name));
            }
        }
        finally
        {
            await OkAsync(ctl, "tasks", "kill", "jail", "--signal", "KILL");
            await OkAsync(ctl, "tasks", "wait", "jail");
        }
    }

    [Fact]
    public async Task Copies_work_on_a_stopped_container_through_its_snapshot()
    {
        var ctl = Ctl();
        await OkAsync(ctl, "snapshots", "import", "bb", "--from", Rootfs());
        await OkAsync(ctl, "run", "--snapshot", "bb", "stopped", "--", "sh", "-c", "echo ran > /root/ran");
        var local = _scratch.Write("config.txt", "set while stopped\n"u8.ToArray());

        await OkAsync(ctl, "cp", local, "stopped:/etc/config.txt");
        var back = Path.Combine(_scratch.Folder("back-" + Guid.NewGuid().ToString("N")[..8]), "root");
        await OkAsync(ctl, "cp", "stopped:/root", back);
        var config = Path.Combine(_scratch.Folder("config-" + Guid.NewGuid().ToString("N")[..8]), "config.txt");
        await OkAsync(ctl, "cp", "stopped:/etc/config.txt", config);

        Assert.Equal("ran\n", File.ReadAllText(Path.Combine(back, "ran")));
        Assert.Equal("set while stopped\n", File.ReadAllText(config));
        // The snapshot was mounted for the copy only.
        await OkAsync(ctl, "tasks", "create", "stopped");
        await OkAsync(ctl, "tasks", "rm", "stopped", "--force");
    }

    [Fact]
    public async Task Cp_needs_exactly_one_container_side()
    {
        var ctl = PlatformCtl.WithoutPlatform();
        var result = await ctl.RunAsync("cp", "a", "b");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("exactly one of SRC and DEST", result.Stderr);
    }

    private static byte[] Archive(params (string Name, string? LinkTo)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, linkTo) in entries)
            {
                if (linkTo is not null)
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = linkTo });
                else
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("pwned\n"u8.ToArray()) });
            }
        }
        return buffer.ToArray();
    }

    public void Dispose() => _scratch.Dispose();
}
