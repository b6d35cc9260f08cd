using System.Collections.Concurrent;
using Platform.Common.Errors;
using Platform.Hosting.Storage;

namespace Platform.TaskRunner.Copy;

/// <summary>
/// Tar streams in transit, one private file each under <see cref="CopyFolders"/>, keyed by the caller's upload id or
/// the runner's download id and bound to the caller who began them. A stream untouched for
/// <see cref="Abandoned"/> (a client that went away mid-copy) is removed when the next one begins.
/// </summary>
public sealed class CopySessions(CopyFolders folders, TimeProvider clock)
{
    public static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<Guid, Session> _sessions = new();

    public sealed class Session(Guid id, string owner, string file, DateTimeOffset now)
    {
        public Guid Id { get; } = id;
        public string Owner { get; } = owner;
        public string File { get; } = file;
        public SemaphoreSlim Lock { get; } = new(1, 1);
        public DateTimeOffset LastUsed { get; set; } = now;

        /// <summary>For downloads: the top entry's name and kind.</summary>
        public string Name { get; init; } = "";
        public bool IsDirectory { get; init; }
    }

    /// <summary>A new session with an empty private file; <paramref name="id"/> taken (by anyone) is InvalidArgument.</summary>
    public Session Begin(Guid id, string owner, string name = "", bool isDirectory = false)
    {
        RemoveAbandoned();
        var file = folders.Stream(id);
        var session = new Session(id, owner, file, clock.GetUtcNow()) { Name = name, IsDirectory = isDirectory };
        if (!_sessions.TryAdd(id, session))
            throw PlatformException.InvalidArgument($"copy {id} is already under way");
        PrivateFiles.CreateFile(file);
        return session;
    }

    /// <summary>The caller's session, or null when there is none by that id (another caller's is NotFound as well).</summary>
    public Session? Find(Guid id, string owner)
    {
        if (!_sessions.TryGetValue(id, out var session) || session.Owner != owner)
            return null;
        session.LastUsed = clock.GetUtcNow();
        return session;
    }

    public void End(Session session)
    {
        _sessions.TryRemove(session.Id, out _);
        File.Delete(session.File);
    }

    private void RemoveAbandoned()
    {
        var before = clock.GetUtcNow() - Abandoned;
        foreach (var session in _sessions.Values.Where(s => s.LastUsed < before))
            End(session);
    }
}
