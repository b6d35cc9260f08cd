using Platform.Contracts;
using Xunit;

namespace Platform.Security.Tests.Archives;

/// <summary>What an accepted archive left, for a case to check: the snapshot's own folder, the canary, the snapshotter.</summary>
internal sealed record Contained(string Fs, HostCanary Canary, string Snapshotter)
{
    public HostStat? Stat(string relative) => HostStat.OfOrNull(Path.Combine(Fs, relative));

    public string Read(string relative) => File.ReadAllText(Path.Combine(Fs, relative));

    public bool Native => Snapshotter == Sn.Native;
}

/// <summary>
/// One malicious archive, built against a <see cref="HostCanary"/> so that every escape it attempts aims at the canary;
/// and what importing it must come to on each snapshotter: refused with a kind, or accepted with everything inside the
/// snapshot (<see cref="Check"/>). Either way the canary stays as it was.
/// </summary>
internal sealed record HostileArchive(string Name, Func<HostCanary, HostileTar> Build)
{
    /// <summary>The error kind the import must answer on a snapshotter, or null when it must be accepted.</summary>
    public Func<string, ErrorKind?> Outcome { get; init; } = _ => null;

    /// <summary>Imported onto <see cref="HostileArchives.Base"/>, so its whiteouts apply (overlay whiteouts, or deletions in a copy).</summary>
    public bool Layered { get; init; }

    public bool Gzip { get; init; }

    /// <summary>What must hold inside the snapshot of an accepted archive.</summary>
    public Action<Contained>? Check { get; init; }

    public static Func<string, ErrorKind?> Refused(ErrorKind kind) => _ => kind;
}

/// <summary>The catalogue.</summary>
internal static class HostileArchives
{
    private const ErrorKind Invalid = ErrorKind.InvalidArgument;

    /// <summary>
    /// The parent of layered cases: a folder, files, and an absolute symlink <c>lib</c> to the canary's folder, as a real
    /// image's parent holds absolute links (<c>etc/mtab → /proc/mounts</c>). The copying snapshotter starts from a copy of it.
    /// </summary>
    public static HostileTar Base(HostCanary canary) => new HostileTar()
        .Directory("d/").File("d/old", "old").File("keep/x", "x").File("etc/passwd", "root:x:0:0::/root:/bin/sh\n").Symlink("lib", canary.Folder);

    public static readonly IReadOnlyList<HostileArchive> All =
    [
        // Symlinks planted, then written through.
        new("symlink-escape-then-write", c => new HostileTar().Symlink("evil", c.Folder).File("evil/planted", "pwned")) { Outcome = HostileArchive.Refused(Invalid) },
        new("relative-symlink-escape-then-write", c => new HostileTar().Symlink("up", c.FromAnyRoot()).File("up/dir/planted", "pwned")) { Outcome = HostileArchive.Refused(Invalid) },
        new("symlink-to-a-folder-then-overwrite-a-file-under-it", c => new HostileTar().Symlink("conf", c.Folder).File("conf/file", "pwned")) { Outcome = HostileArchive.Refused(Invalid) },
        new("chain-of-symlinks-then-write", c => new HostileTar().Directory("a/").Symlink("a/b", "../c").Symlink("c", c.Folder).File("a/b/file", "pwned"))
            { Outcome = HostileArchive.Refused(Invalid) },
        new("parents-symlink-then-write", _ => new HostileTar().File("lib/planted", "pwned"))
        {
            // The copy holds the parent's lib → canary and refuses; overlayfs's layer folder has no lib, so lib is made a real folder there.
            Layered = true, Outcome = sn => sn == Sn.Native ? Invalid : null,
            Check = r => Assert.Equal("pwned", r.Read("lib/planted")),
        },

        // The issue: modes applied after the archive through a path that has become a symlink.
        new("symlink-then-folder-entry-with-a-mode", c => new HostileTar().Symlink("data", c.Folder).Directory("data/", (UnixFileMode)0b111_111_111))
        {
            Check = r => Assert.Equal((HostStat.Directory, 0b111_111_111u), (r.Stat("data")!.Value.Type, r.Stat("data")!.Value.Mode)),
        },
        new("folder-with-a-mode-then-whiteout-then-symlink", c => new HostileTar().Directory("d/", (UnixFileMode)0b111_111_111).File(".wh.d", "").Symlink("d", c.Folder))
        {
            Layered = true,
            Check = r => Assert.Equal(HostStat.Symlink, r.Stat("d")!.Value.Type),
        },
        new("folder-with-a-mode-then-replaced-by-a-symlink", c => new HostileTar().Directory("d2/", (UnixFileMode)0b111_111_111).File("d2/f", "f").Symlink("d2", c.Folder))
        {
            Check = r => Assert.Equal(r.Canary.Folder, new FileInfo(Path.Combine(r.Fs, "d2")).LinkTarget),
        },
        new("folder-replaced-by-a-symlink-then-written-through", c => new HostileTar().Directory("d3/").Symlink("d3", c.Folder).File("d3/planted", "pwned"))
            { Outcome = HostileArchive.Refused(Invalid) },

        // Names.
        new("dotdot-escape", c => new HostileTar().File(c.FromAnyRoot("planted"), "pwned")) { Outcome = HostileArchive.Refused(Invalid) },
        new("dotdot-inside-a-name", _ => new HostileTar().File("a/b/../../../../tmp/planted", "pwned")) { Outcome = HostileArchive.Refused(Invalid) },
        new("dotdot-that-stays-inside", _ => new HostileTar().File("a/../b/./c", "inside"))
        {
            Check = r => Assert.Equal(("inside", false), (r.Read("b/c"), Directory.Exists(Path.Combine(r.Fs, "a")))),
        },
        new("absolute-name", c => new HostileTar().File(c.FilePath, "pwned"))
        {
            Check = r => Assert.Equal("pwned", r.Read(r.Canary.FilePath.TrimStart('/'))),
        },
        new("name-past-PATH_MAX", _ => new HostileTar().File(string.Join('/', Enumerable.Repeat(new string('n', 200), 25)) + "/f", "x"))
            { Outcome = HostileArchive.Refused(Invalid) },
        new("part-past-NAME_MAX", _ => new HostileTar().File("ok/" + new string('n', 256), "x")) { Outcome = HostileArchive.Refused(Invalid) },
        new("nesting-past-PATH_MAX", _ => new HostileTar().File(string.Concat(Enumerable.Repeat("d/", 2100)) + "leaf", "x")) { Outcome = HostileArchive.Refused(Invalid) },

        // Hard links.
        new("hard-link-to-etc-passwd", _ => new HostileTar().HardLink("passwd", "/etc/passwd")) { Outcome = HostileArchive.Refused(Invalid) },
        new("hard-link-to-etc-passwd-onto-a-parent", _ => new HostileTar().HardLink("passwd", "/etc/passwd"))
        {
            // An absolute link name is inside the root: the copy has the parent's etc/passwd; overlayfs's layer folder has nothing there.
            Layered = true, Outcome = sn => sn == Sn.Native ? null : Invalid,
            Check = r => Assert.Equal(r.Stat("etc/passwd")!.Value.Inode, r.Stat("passwd")!.Value.Inode),
        },
        new("hard-link-climbing-out", c => new HostileTar().HardLink("stolen", c.FromAnyRoot("file"))) { Outcome = HostileArchive.Refused(Invalid) },
        new("hard-link-through-a-symlink", c => new HostileTar().Symlink("evil", c.Path).HardLink("stolen", "evil/file")) { Outcome = HostileArchive.Refused(Invalid) },
        new("hard-link-to-a-symlink", c => new HostileTar().Symlink("s", c.FilePath).HardLink("h", "s")) { Outcome = HostileArchive.Refused(Invalid) },
        new("hard-link-to-a-folder", _ => new HostileTar().Directory("d/").HardLink("h", "d")) { Outcome = HostileArchive.Refused(Invalid) },
        new("hard-link-through-a-parents-symlink", _ => new HostileTar().HardLink("h", "lib/file")) { Layered = true, Outcome = HostileArchive.Refused(Invalid) },

        // Whiteouts.
        new("whiteout-climbing-out", c => new HostileTar().File(c.FromAnyRoot(".wh.file"), "")) { Layered = true, Outcome = HostileArchive.Refused(Invalid) },
        new("whiteout-of-dotdot", _ => new HostileTar().File("d/.wh..", "")) { Layered = true, Outcome = HostileArchive.Refused(Invalid) },
        new("whiteout-through-a-symlink", c => new HostileTar().Symlink("evil", c.Path).File("evil/.wh.file", "")) { Layered = true, Outcome = HostileArchive.Refused(Invalid) },
        new("whiteout-through-a-parents-symlink", _ => new HostileTar().File("lib/.wh.file", ""))
        {
            // overlayfs: a whiteout in the layer's own new lib folder, which hides nothing of the host.
            Layered = true, Outcome = sn => sn == Sn.Native ? Invalid : null,
            Check = r => Assert.Equal((HostStat.CharDevice, 0u, 0u), (r.Stat("lib/file")!.Value.Type, r.Stat("lib/file")!.Value.RdevMajor, r.Stat("lib/file")!.Value.RdevMinor)),
        },
        new("opaque-marker-through-a-symlink", c => new HostileTar().Symlink("evil", c.Folder).File("evil/.wh..wh..opq", ""))
            { Layered = true, Outcome = HostileArchive.Refused(Invalid) },
        new("opaque-marker-as-a-folder", _ => new HostileTar().File(".wh..wh..opq/planted", "x")) { Layered = true, Outcome = HostileArchive.Refused(Invalid) },
        new("opaque-marker-at-the-root", _ => new HostileTar().File("new", "n").File(".wh..wh..opq", ""))
        {
            // The copy deletes the parent's files, lib → canary among them, without following it.
            Layered = true,
            Check = r => Assert.Equal(["new"], Directory.GetFileSystemEntries(r.Fs).Select(Path.GetFileName)),
        },
        new("whiteout-named-symlink", c => new HostileTar().Symlink(".wh.keep", c.Path))
        {
            Layered = true,
            Check = r => Assert.Equal(r.Native ? null : HostStat.CharDevice, r.Stat("keep")?.Type),
        },

        // Later entries over earlier ones.
        new("duplicate-entries", _ => new HostileTar().File("x", "first").File("x", "second").Directory("d/", (UnixFileMode)0b111_000_000).Directory("d/", (UnixFileMode)0b111_101_000))
        {
            Check = r => Assert.Equal(("second", 0b111_101_000u), (r.Read("x"), r.Stat("d")!.Value.Mode)),
        },
        new("file-then-symlink-then-file", c => new HostileTar().File("x", "one").Symlink("x", c.FilePath).File("x", "three"))
        {
            Check = r => Assert.Equal((HostStat.Regular, "three"), (r.Stat("x")!.Value.Type, r.Read("x"))),
        },
        new("symlink-then-hard-link-over-it", c => new HostileTar().File("real", "r").Symlink("x", c.FilePath).HardLink("x", "real"))
        {
            Check = r => Assert.Equal(r.Stat("real")!.Value.Inode, r.Stat("x")!.Value.Inode),
        },
        new("file-replaced-by-a-folder-and-back", _ => new HostileTar().File("p", "f").Directory("p/").File("p/q", "q").File("p", "again"))
        {
            Check = r => Assert.Equal("again", r.Read("p")),
        },
        new("symlink-target-kept-as-data", _ => new HostileTar().Symlink("etc/resolv.conf", "../../../../etc/passwd"))
        {
            Check = r => Assert.Equal("../../../../etc/passwd", new FileInfo(Path.Combine(r.Fs, "etc/resolv.conf")).LinkTarget),
        },

        // Special files and bits, from the services' own user (privileged).
        new("device-nodes-and-a-fifo-from-a-privileged-caller", _ => new HostileTar().CharDevice("dev/null2", 1, 3).BlockDevice("dev/loop9", 7, 9).Fifo("run/fifo"))
        {
            Check = r => Assert.Equal(
                [(HostStat.CharDevice, 1u, 3u), (HostStat.BlockDevice, 7u, 9u), (HostStat.Fifo, 0u, 0u)],
                new[] { "dev/null2", "dev/loop9", "run/fifo" }.Select(p => (r.Stat(p)!.Value.Type, r.Stat(p)!.Value.RdevMajor, r.Stat(p)!.Value.RdevMinor))),
        },
        new("setuid-and-setgid-files", _ => new HostileTar().File("bin/su", "#!", (UnixFileMode)0b100_111_101_101).File("bin/wall", "#!", (UnixFileMode)0b010_111_101_101, gid: 5))
        {
            Check = r => Assert.Equal((0b100_111_101_101u, 0u, 0b010_111_101_101u, 5u), (r.Stat("bin/su")!.Value.Mode, r.Stat("bin/su")!.Value.Uid, r.Stat("bin/wall")!.Value.Mode, r.Stat("bin/wall")!.Value.Gid)),
        },

        // Sizes.
        new("gzip-bomb", _ => new HostileTar().File("zeros", new byte[64 * 1024 * 1024])) { Gzip = true, Outcome = HostileArchive.Refused(ErrorKind.ResourceExhausted) },
        new("declared-size-past-the-limit", _ => new HostileTar().File("before", "b").DeclaredFile("huge", 100L * 1024 * 1024 * 1024))
            { Outcome = HostileArchive.Refused(ErrorKind.ResourceExhausted) },
    ];

    public static HostileArchive Named(string name) => All.Single(a => a.Name == name);
}
