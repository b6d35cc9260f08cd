using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>A temporary folder for what a test hands to platformctl (archives, folders to import), removed with the test class.</summary>
public sealed class Scratch : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "platform-cli-tests", Guid.NewGuid().ToString("N"));

    public Scratch() => Directory.CreateDirectory(Root);

    public string Write(string name, byte[] content)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A new empty folder.</summary>
    public string Folder(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>Tar archives built in memory, entry by entry, as an image layer would be.</summary>
public static class Archives
{
    public const UnixFileMode Executable = (UnixFileMode)0b111_101_101; // 0755
    public const UnixFileMode Regular = (UnixFileMode)0b110_100_100;    // 0644

    public static readonly byte[] Hello = "#!/bin/sh\necho hello\n"u8.ToArray();
    public static readonly byte[] Motd = "welcome to the snapshot\n"u8.ToArray();

    /// <summary>
    /// <c>bin/</c>, <c>bin/hello</c> (0755), <c>bin/hi</c> → <c>hello</c>, <c>etc/</c>, <c>etc/motd</c> (0644, owned by 1234:5678):
    /// five inodes, <see cref="Hello"/> + <see cref="Motd"/> bytes.
    /// </summary>
    public static byte[] SmallRootfs(params (string Name, byte[] Content)[] extraFiles)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "bin/") { Mode = Executable });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bin/hello") { Mode = Executable, DataStream = new MemoryStream(Hello) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/hi") { LinkName = "hello", Mode = (UnixFileMode)0b111_111_111 });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "etc/") { Mode = Executable });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/motd") { Mode = Regular, Uid = 1234, Gid = 5678, DataStream = new MemoryStream(Motd) });
            foreach (var (name, content) in extraFiles)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = Regular, DataStream = new MemoryStream(content) });
        }
        return output.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }

    public static byte[] Random(int length)
    {
        var data = new byte[length];
        System.Random.Shared.NextBytes(data);
        return data;
    }
}

/// <summary>What the filesystem says about a path, where .NET has no API for it.</summary>
public static class Files
{
    /// <summary><c>uid:gid</c> of the path itself (a link is not followed).</summary>
    public static string Owner(string path) => Run("stat", "-c", "%u:%g", path).Trim();

    public static void ChangeOwner(string path, string owner) => Run("chown", "-h", owner, path);

    private static string Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed: {process.StandardError.ReadToEnd()}");
        return output;
    }
}
