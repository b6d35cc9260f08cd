using System.Diagnostics;
using System.Formats.Tar;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Platform.Client.Oci;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Hosting.Storage;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests;

/// <summary>
/// What Platform keeps on disk is root's alone (issue 9, containerd's CVE-2021-41103): a host user other than root
/// reads neither a task's spec (its environment), nor its log, nor a database, nor a file of a container's root
/// filesystem, while containers, including one running as a non-root user, work as before.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_task_runs_with_a_secret_in_its_environment(StateOnDiskFixture fixture) : IClassFixture<StateOnDiskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task Host_users_cannot_read_its_spec_log_database_or_rootfs_while_it_runs_as_a_non_root_user(string snapshotter)
    {
        var client = fixture.Client;
        Requirements.Runtime();
        await HostUser.CheckCanReadAsync("/etc/passwd");
        Assert.True((File.GetUnixFileMode(Path.GetDirectoryName(fixture.Root)!) & UnixFileMode.OtherExecute) != 0, "the data root's parent should be open to all");
        var ns = $"disk-{Guid.NewGuid():N}"[..13];
        var id = "secretive";
        var secret = $"s3cret-{Guid.NewGuid():N}";
        await ImportBusyboxAsync(ns, snapshotter);
        var prepared = await client.Snapshots.PrepareAsync(new PrepareSnapshot { Namespace = ns, Snapshotter = snapshotter, Key = id, Parent = "busybox" }, Ct);
        var spec = DefaultSpec.Create(new DefaultSpecOptions
        {
            Args = ["sh", "-c", "cat /etc/passwd; echo \"$SECRET\"; exec sleep 60"], Env = [$"SECRET={secret}"], User = "1000:1000", Hostname = id,
        });
        await client.Containers.CreateAsync(new CreateContainer
        {
            Namespace = ns, Id = id, Runtime = new RuntimeInfo { Name = "runc" }, Spec = spec, Snapshotter = snapshotter, SnapshotKey = id,
        }, Ct);
        await client.Tasks.CreateAsync(id, ns, Ct);
        await client.Tasks.StartAsync(id, ns, Ct);
        try
        {
            // Uid 1000 read its rootfs, and the log reaches the CLI's path (the runner, as root) in full.
            await Eventually.TrueAsync(async () => (await LogTextAsync(id, ns, null)).Contains(secret), Ct, because: "the task prints its secret");
            Assert.Contains("root:x:0:0", await LogTextAsync(id, ns, null));
            var exec = await client.Tasks.ExecAsync(id, "reader", new JsonObject
            {
                ["args"] = new JsonArray("cat", "/etc/passwd"), ["cwd"] = "/", ["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 },
            }.ToJsonString(), ns, Ct);
            Assert.True(exec.Pid > 0);
            Assert.Equal(0, (await client.Tasks.WaitAsync(id, "reader", ns, Ct)).ExitStatus);
            Assert.Contains("root:x:0:0", await LogTextAsync(id, ns, "reader"));

            var root = fixture.Root;
            var bundleSpec = Path.Combine(root, "tasks", "bundles", ns, id, "config.json");
            var log = Path.Combine(root, "tasks", "logs", ns, id, "init.log");
            var execLog = Path.Combine(root, "tasks", "logs", ns, id, "exec-reader.log");
            await AssertPrivateAsync(bundleSpec, secret);
            await AssertPrivateAsync(log, secret);
            await AssertPrivateAsync(execLog, "root:x:0:0");
            await AssertPrivateAsync(Path.Combine(root, "metadata.db"), null);
            foreach (var file in new[] { bundleSpec, log, execLog })
                AssertOwnerOnlyOnTheWay(root, file, fileToo: true);

            var files = FilesFolder(prepared.Mounts);
            var rootfsFile = Path.Combine(files, "etc", "passwd");
            await AssertPrivateAsync(rootfsFile, "root:x:0:0");
            // The snapshot's fs is the container's "/" and keeps the image's mode; everything above it is closed.
            AssertOwnerOnlyOnTheWay(root, files, fileToo: false);

            foreach (var entry in Directory.EnumerateFileSystemEntries(root))
            {
                var expected = Directory.Exists(entry) ? PrivateMode.Folder : PrivateMode.File;
                Assert.True(File.GetUnixFileMode(entry) == expected, $"{entry} is {PrivateMode.Octal(entry)}, not {PrivateMode.Octal(expected)}");
            }
            Assert.Equal(PrivateMode.Folder, File.GetUnixFileMode(root));
        }
        finally
        {
            await client.Tasks.DeleteAsync(id, force: true, ns, CancellationToken.None);
        }
    }

    /// <summary>The files folder the container's root came from: an overlay's nearest lower dir, or a bind's source.</summary>
    private static string FilesFolder(IReadOnlyList<Mount> mounts)
    {
        var mount = Assert.Single(mounts);
        if (mount.Type != "overlay")
            return mount.Source;
        var lower = mount.Options.Single(o => o.StartsWith("lowerdir=", StringComparison.Ordinal));
        return lower["lowerdir=".Length..].Split(':')[0];
    }

    private async Task<string> LogTextAsync(string id, string ns, string? execId) =>
        string.Concat((await fixture.Client.Tasks.ReadLogsAsync(id, 0, execId: execId, @namespace: ns, cancellationToken: Ct)).Entries.Select(e => e.Text));

    private async Task ImportBusyboxAsync(string ns, string snapshotter)
    {
        var source = Path.Combine(Path.GetTempPath(), "platform-tests", "src-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var archive = new MemoryStream();
            await TarFile.CreateFromDirectoryAsync(BusyboxRootfs.Create(source), archive, includeBaseDirectory: false, Ct);
            archive.Position = 0;
            await fixture.Client.Snapshots.ImportAsync(archive, "busybox", snapshotter: snapshotter, @namespace: ns, cancellationToken: Ct);
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    /// <summary>The file is there and root reads it (so a refusal below is not a wrong path), but another host user cannot.</summary>
    private static async Task AssertPrivateAsync(string path, string? expected)
    {
        Assert.True(File.Exists(path), $"{path} should exist");
        var text = await File.ReadAllTextAsync(path, Ct);
        if (expected is not null)
            Assert.Contains(expected, text);
        await HostUser.CheckDeniedAsync(path);
    }

    /// <summary>Every folder from the data root down to <paramref name="path"/>'s parent is 0700 (and the file 0600).</summary>
    private static void AssertOwnerOnlyOnTheWay(string root, string path, bool fileToo)
    {
        for (var folder = Path.GetDirectoryName(path)!; folder.Length >= root.Length; folder = Path.GetDirectoryName(folder)!)
            Assert.True(File.GetUnixFileMode(folder) == PrivateMode.Folder, $"{folder} is {PrivateMode.Octal(folder)}, not 0700");
        if (fileToo)
            Assert.True(File.GetUnixFileMode(path) == PrivateMode.File, $"{path} is {PrivateMode.Octal(path)}, not 0600");
    }
}

/// <summary>
/// A data root an older version left readable (folders 0755, databases 0644) is closed when Platform starts on it, so
/// even the files below that keep their old modes are out of other users' reach.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_Platform_starts_on_a_world_readable_data_root(StateOnDiskFixture fixture) : IClassFixture<StateOnDiskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_make_it_and_its_own_folders_and_databases_owner_only()
    {
        _ = fixture.Client;
        var root = fixture.Root;
        var tasks = Path.Combine(root, "tasks");
        var snapshots = Path.Combine(root, "snapshots");
        var oldLog = Path.Combine(tasks, "logs", "default", "old", "init.log");
        var databases = new[] { "metadata.db", "tasks.db", "resources.db" }.Select(d => Path.Combine(root, d)).ToList();

        await fixture.RestartAsync(async () =>
        {
            // What an older version left: everything readable by everyone, as the default umask made it.
            Directory.CreateDirectory(Path.GetDirectoryName(oldLog)!);
            await File.WriteAllTextAsync(oldLog, "2026-12-01T00:00:00.000000000+00:00 stdout F PASSWORD=hunter2\n", Ct);
            foreach (var folder in new[] { root, tasks, Path.Combine(tasks, "logs"), Path.GetDirectoryName(Path.GetDirectoryName(oldLog))!, Path.GetDirectoryName(oldLog)!, snapshots })
                File.SetUnixFileMode(folder, PrivateMode.Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            foreach (var file in databases.Append(oldLog).Where(File.Exists))
                File.SetUnixFileMode(file, PrivateMode.Readable);
            // The test must be able to fail: as left, another user reads the old log and a database.
            await HostUser.CheckCanReadAsync(oldLog);
            await HostUser.CheckCanReadAsync(databases[0]);
        });

        foreach (var folder in new[] { root, tasks, snapshots })
            Assert.True(File.GetUnixFileMode(folder) == PrivateMode.Folder, $"{folder} is {PrivateMode.Octal(folder)}, not 0700");
        foreach (var database in databases)
        {
            Assert.True(File.Exists(database), $"{database} should exist");
            Assert.True(File.GetUnixFileMode(database) == PrivateMode.File, $"{database} is {PrivateMode.Octal(database)}, not 0600");
            await HostUser.CheckDeniedAsync(database);
        }
        // Below a closed folder, a file that kept its old 0644 is out of reach too.
        Assert.Equal(PrivateMode.Readable, File.GetUnixFileMode(oldLog));
        await HostUser.CheckDeniedAsync(oldLog);
        // And the services work on it.
        Assert.Empty(await fixture.Client.Tasks.ListAsync(@namespace: "default", cancellationToken: Ct));
    }
}

/// <summary>The one helper every service writes its state with.</summary>
[SupportedOSPlatform("linux")]
public sealed class When_state_is_written_with_PrivateFiles : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), $"platform-private-{Guid.NewGuid():N}");

    [Fact]
    public void Missing_ancestors_of_a_folder_are_made_owner_only_too()
    {
        var deep = Path.Combine(_scratch, "a", "b", "c");

        PrivateFiles.CreateFolder(deep);

        foreach (var folder in new[] { _scratch, Path.Combine(_scratch, "a"), Path.Combine(_scratch, "a", "b"), deep })
            Assert.True(File.GetUnixFileMode(folder) == PrivateMode.Folder, $"{folder} is {PrivateMode.Octal(folder)}, not 0700");
    }

    [Fact]
    public async Task Files_are_created_0600_and_an_existing_database_file_is_not_truncated()
    {
        PrivateFiles.CreateFolder(_scratch);
        var written = Path.Combine(_scratch, "written");
        var appended = Path.Combine(_scratch, "appended");
        var created = Path.Combine(_scratch, "created");

        await PrivateFiles.WriteAllTextAsync(written, "spec", TestContext.Current.CancellationToken);
        await PrivateFiles.AppendAllTextAsync(appended, "one", TestContext.Current.CancellationToken);
        await PrivateFiles.AppendAllTextAsync(appended, "two", TestContext.Current.CancellationToken);
        PrivateFiles.CreateFile(created);
        await File.WriteAllTextAsync(created, "data", TestContext.Current.CancellationToken);
        PrivateFiles.CreateFile(created);

        foreach (var file in new[] { written, appended, created })
            Assert.True(File.GetUnixFileMode(file) == PrivateMode.File, $"{file} is {PrivateMode.Octal(file)}, not 0600");
        Assert.Equal("onetwo", await File.ReadAllTextAsync(appended, TestContext.Current.CancellationToken));
        Assert.Equal("data", await File.ReadAllTextAsync(created, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Tighten_takes_only_group_and_other_permissions_away_and_leaves_a_missing_path_alone()
    {
        Directory.CreateDirectory(_scratch);
        File.SetUnixFileMode(_scratch, (UnixFileMode)0b111_101_101); // 0755
        var file = Path.Combine(_scratch, "old.log");
        File.WriteAllText(file, "");
        File.SetUnixFileMode(file, (UnixFileMode)0b100_110_110); // 0466: owner may only read

        Assert.True(PrivateFiles.Tighten(_scratch));
        Assert.True(PrivateFiles.Tighten(file));
        Assert.False(PrivateFiles.Tighten(file));
        Assert.False(PrivateFiles.Tighten(Path.Combine(_scratch, "missing")));

        Assert.Equal(PrivateMode.Folder, File.GetUnixFileMode(_scratch));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(file));
        Assert.False(Path.Exists(Path.Combine(_scratch, "missing")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_scratch))
            Directory.Delete(_scratch, recursive: true);
    }
}

/// <summary>
/// Platform on a data root directly in /tmp (which everyone may enter), so the data root's own mode is all that stands
/// between another user and its files: a refusal cannot come from a closed folder above it.
/// </summary>
public sealed class StateOnDiskFixture : PlatformFixture
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"platform-state-{Guid.NewGuid():N}");

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Store:DataRoot"] = Root };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

[SupportedOSPlatform("linux")]
internal static class PrivateMode
{
    public const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>0644.</summary>
    public const UnixFileMode Readable = File | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);

    public static string Octal(string path) => Octal(System.IO.File.GetUnixFileMode(path));
}

/// <summary>Reads files as <c>nobody</c> (uid and gid 65534, no supplementary groups) with util-linux's setpriv.</summary>
[SupportedOSPlatform("linux")]
internal static class HostUser
{
    /// <summary>Fails unless nobody reads <paramref name="path"/>: the control that shows a refusal is about the file.</summary>
    public static async Task CheckCanReadAsync(string path)
    {
        var (exitCode, stderr) = await CatAsync(path);
        Assert.True(exitCode == 0, $"nobody should read {path}, but cat exited {exitCode}: {stderr}");
    }

    public static async Task CheckDeniedAsync(string path)
    {
        var (exitCode, stderr) = await CatAsync(path);
        Assert.True(exitCode != 0 && stderr.Contains("Permission denied", StringComparison.Ordinal),
            $"nobody should be refused {path}, but cat exited {exitCode}: {stderr}");
    }

    private static async Task<(int ExitCode, string Stderr)> CatAsync(string path)
    {
        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "cat", path])
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start setpriv");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        await stdout;
        return (process.ExitCode, await stderr);
    }
}
