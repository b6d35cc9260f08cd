using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;
using Platform.Testing;
using Xunit;

namespace Platform.ResourceGc.Tests.Service;

/// <summary>A host whose passes treat anything older than 100 ms as left over by a crash, so repairs can be seen at once.</summary>
public sealed class ShortGraceFixture : PlatformFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["ResourceGc:Grace"] = "00:00:00.100" };
}

internal static class Sn
{
    public const string Overlay = "overlayfs";
    public const string Native = "native";
}

internal static class Unique
{
    /// <summary>A namespace no other test uses (identifier rules: letters, digits, single separators).</summary>
    public static string Namespace(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}

/// <summary>Expected error replies, checked by kind (never by message alone).</summary>
internal static class Expect
{
    public static async Task<PlatformException> ErrorAsync(ErrorKind kind, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<PlatformException>(call);
        Assert.True(e.Kind == kind, $"expected {kind}, got {e.Kind}: {e.Message}");
        return e;
    }
}

/// <summary>Snapshot folders as they are on disk: <c>{DataRoot}/snapshots/{snapshotter}/{id}/fs</c>.</summary>
internal static class Folders
{
    public static string Root(PlatformFixture fixture, string snapshotter) => Path.Combine(fixture.DataRoot, "snapshots", snapshotter);

    /// <summary>The snapshot folders (<c>…/{id}</c>) of one snapshotter, sorted.</summary>
    public static List<string> List(PlatformFixture fixture, string snapshotter)
    {
        var root = Root(fixture, snapshotter);
        if (!Directory.Exists(root))
            return [];
        return Directory.GetDirectories(root)
            .Where(d => long.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The one folder that appeared between two listings.</summary>
    public static string New(IEnumerable<string> before, IEnumerable<string> after) => Assert.Single(after.Except(before));

    /// <summary>
    /// The folder of an active snapshot (or a view without parents), from the mounts that name it: the source of a
    /// bind, or the upper dir of an overlay.
    /// </summary>
    public static string Of(SnapshotMountsResult prepared)
    {
        var mount = Assert.Single(prepared.Mounts);
        var files = mount.Type == "bind"
            ? mount.Source
            : mount.Options.Single(o => o.StartsWith("upperdir=", StringComparison.Ordinal))["upperdir=".Length..];
        Assert.Equal("fs", Path.GetFileName(files));
        return Path.GetDirectoryName(files)!;
    }

    public static string Fs(string folder) => Path.Combine(folder, "fs");
}

/// <summary>Calls the tests make in many places, through the client library.</summary>
internal static class Calls
{
    public const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""";

    public static Task<SnapshotMountsResult> PrepareAsync(this PlatformClient client, string ns, string snapshotter, string key,
        string? parent = null, string? leaseId = null, IReadOnlyDictionary<string, string>? labels = null) =>
        client.Snapshots.PrepareAsync(new PrepareSnapshot
        {
            Namespace = ns, Snapshotter = snapshotter, Key = key, Parent = parent, LeaseId = leaseId, Labels = labels,
        }, TestContext.Current.CancellationToken);

    public static Task<Snapshot> CommitAsync(this PlatformClient client, string ns, string snapshotter, string key, string name, string? leaseId = null) =>
        client.Snapshots.CommitAsync(new CommitSnapshot { Namespace = ns, Snapshotter = snapshotter, Key = key, Name = name, LeaseId = leaseId },
            TestContext.Current.CancellationToken);

    /// <summary>Prepares <c>{name}-rw</c> on <paramref name="parent"/>, writes <paramref name="files"/> into its folder and commits it as <paramref name="name"/>.</summary>
    public static async Task<string> CommittedAsync(this PlatformClient client, string ns, string snapshotter, string name, string? parent = null,
        IReadOnlyDictionary<string, string>? files = null, string? leaseId = null)
    {
        var prepared = await client.PrepareAsync(ns, snapshotter, name + "-rw", parent, leaseId);
        var folder = Folders.Of(prepared);
        foreach (var (path, content) in files ?? new Dictionary<string, string>())
        {
            var full = Path.Combine(Folders.Fs(folder), path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content, TestContext.Current.CancellationToken);
        }
        await client.CommitAsync(ns, snapshotter, name + "-rw", name, leaseId);
        return folder;
    }

    public static Task<Container> CreateContainerAsync(this PlatformClient client, string ns, string id, string snapshotter, string? key) =>
        client.Containers.CreateAsync(new CreateContainer
        {
            Namespace = ns, Id = id, Runtime = new RuntimeInfo { Name = "runc" }, Spec = Spec, Snapshotter = snapshotter, SnapshotKey = key,
        }, TestContext.Current.CancellationToken);

    public static Task<Container> DeleteContainerAsync(this PlatformClient client, string ns, string id) =>
        client.Containers.DeleteAsync(id, @namespace: ns, cancellationToken: TestContext.Current.CancellationToken);

    public static Task<ResourceExplanation> ExplainAsync(this PlatformClient client, string ns, string snapshotter, string key) =>
        client.Gc.ExplainAsync(Ref(snapshotter, key), ns, TestContext.Current.CancellationToken);

    public static ResourceRef Ref(string snapshotter, string key) => new() { Kind = "snapshot", Snapshotter = snapshotter, Key = key };

    /// <summary>Registers a reference directly, as the metadata service does before it commits a container.</summary>
    public static Task<ReferenceResult> AddReferenceAsync(this PlatformClient client, string ns, string snapshotter, string key, string ownerId, long generation = 0) =>
        client.RequestAsync<AddReference, ReferenceResult>(QueueNames.Of<AddReference>(), new AddReference
        {
            Namespace = ns, Resource = Ref(snapshotter, key), OwnerKind = "container", OwnerId = ownerId, OwnerGeneration = generation,
        }, TestContext.Current.CancellationToken);

    public static async Task<bool> SnapshotExistsAsync(this PlatformClient client, string ns, string snapshotter, string key)
    {
        try
        {
            await client.Snapshots.StatAsync(key, snapshotter, ns, TestContext.Current.CancellationToken);
            return true;
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
        {
            return false;
        }
    }

    public static async Task<List<string>> KeysAsync(this PlatformClient client, string ns, string snapshotter, params string[] filters) =>
        await client.Snapshots.ListAsync(filters.Length == 0 ? null : filters, snapshotter, ns, TestContext.Current.CancellationToken)
            .Select(s => s.Key).ToListAsync(TestContext.Current.CancellationToken);

    /// <summary>
    /// Polls until the snapshot's record and its folder are both gone; with <paramref name="collect"/> each poll
    /// first asks for a full pass (for what only a pass removes: expired leases, dangling references).
    /// </summary>
    public static async Task SnapshotGoneAsync(this PlatformClient client, string ns, string snapshotter, string key, string folder, bool collect = false)
    {
        var ct = TestContext.Current.CancellationToken;
        await Eventually.TrueAsync(async () =>
        {
            if (collect)
                await client.Gc.CollectAsync(cancellationToken: ct);
            return !await client.SnapshotExistsAsync(ns, snapshotter, key) && !Directory.Exists(folder);
        }, ct, TimeSpan.FromSeconds(20), $"snapshot {snapshotter}/{key} and its folder {folder} should be removed");
    }

    /// <summary>The "referenced by container …" steps that end the snapshot's explanation chains.</summary>
    public static async Task<List<string>> ContainerReasonsAsync(this PlatformClient client, string ns, string snapshotter, string key) =>
        (await client.ExplainAsync(ns, snapshotter, key)).Chains.Select(c => c[^1])
            .Where(s => s.StartsWith("referenced by container", StringComparison.Ordinal)).ToList();
}

/// <summary>Every event of one namespace, in arrival order, from a subscription made through the client.</summary>
internal sealed class EventLog : IAsyncDisposable
{
    private readonly ConcurrentQueue<IPlatformEvent> _events = new();
    private IAsyncDisposable? _subscription;

    public static async Task<EventLog> StartAsync(PlatformClient client, string ns)
    {
        var log = new EventLog();
        log._subscription = await client.Events.SubscribeAsync((e, _) =>
        {
            if (e.Namespace == ns)
                log._events.Enqueue(e);
            return Task.CompletedTask;
        }, cancellationToken: TestContext.Current.CancellationToken);
        return log;
    }

    public List<T> Of<T>() where T : IPlatformEvent => _events.OfType<T>().ToList();

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
            await _subscription.DisposeAsync();
    }
}

/// <summary>Records progress reports on the caller's thread, in order (<see cref="Progress{T}"/> posts them asynchronously).</summary>
internal sealed class RecordingProgress<T> : IProgress<T>
{
    private readonly List<T> _reports = [];

    public IReadOnlyList<T> Reports
    {
        get
        {
            lock (_reports)
                return [.. _reports];
        }
    }

    public void Report(T value)
    {
        lock (_reports)
            _reports.Add(value);
    }
}

/// <summary>Builds tar archives in memory for imports.</summary>
internal sealed class TarBuilder
{
    public static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private readonly List<TarEntry> _entries = [];

    public TarBuilder Directory(string name, UnixFileMode mode)
    {
        _entries.Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode, ModificationTime = Time });
        return this;
    }

    public TarBuilder File(string name, string content, UnixFileMode mode = Modes.File) => File(name, System.Text.Encoding.UTF8.GetBytes(content), mode);

    public TarBuilder File(string name, byte[] content, UnixFileMode mode = Modes.File)
    {
        _entries.Add(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = mode, ModificationTime = Time, DataStream = new MemoryStream(content) });
        return this;
    }

    public TarBuilder Symlink(string name, string target)
    {
        _entries.Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, ModificationTime = Time });
        return this;
    }

    public TarBuilder HardLink(string name, string target)
    {
        _entries.Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, ModificationTime = Time });
        return this;
    }

    public byte[] Tar()
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in _entries)
            {
                entry.DataStream?.Seek(0, SeekOrigin.Begin);
                writer.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }

    public byte[] TarGz()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(Tar());
        return output.ToArray();
    }
}

internal static class Modes
{
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public const UnixFileMode Executable = File | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public const UnixFileMode Directory = Executable | UnixFileMode.UserWrite;

    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
}
