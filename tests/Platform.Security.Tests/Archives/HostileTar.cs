using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Platform.Security.Tests.Archives;

/// <summary>
/// Builds archives with nothing but the BCL's <see cref="TarWriter"/> (PAX, so long names and device numbers survive),
/// which writes whatever names, link targets and types it is given; the one thing it refuses to forge, a size header
/// without the data, is written by hand (<see cref="DeclaredFile"/>).
/// </summary>
internal sealed class HostileTar
{
    public static readonly DateTimeOffset Time = new(2021, 2, 3, 4, 5, 6, TimeSpan.Zero);
    public const UnixFileMode FileMode = (UnixFileMode)0b110_100_100;
    public const UnixFileMode FolderMode = (UnixFileMode)0b111_101_101;

    private readonly MemoryStream _output = new();
    private readonly TarWriter _writer;

    public HostileTar() => _writer = new TarWriter(_output, TarEntryFormat.Pax, leaveOpen: true);

    public HostileTar File(string name, string content, UnixFileMode mode = FileMode, int uid = 0, int gid = 0) =>
        File(name, Encoding.UTF8.GetBytes(content), mode, uid, gid);

    public HostileTar File(string name, byte[] content, UnixFileMode mode = FileMode, int uid = 0, int gid = 0) =>
        Add(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = mode, Uid = uid, Gid = gid, DataStream = new MemoryStream(content) });

    public HostileTar Directory(string name, UnixFileMode mode = FolderMode) => Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode });

    public HostileTar Symlink(string name, string target) => Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target });

    public HostileTar HardLink(string name, string target) => Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target });

    public HostileTar CharDevice(string name, int major, int minor) =>
        Add(new PaxTarEntry(TarEntryType.CharacterDevice, name) { DeviceMajor = major, DeviceMinor = minor, Mode = FileMode });

    public HostileTar BlockDevice(string name, int major, int minor) =>
        Add(new PaxTarEntry(TarEntryType.BlockDevice, name) { DeviceMajor = major, DeviceMinor = minor, Mode = (UnixFileMode)0b110_110_000 });

    public HostileTar Fifo(string name) => Add(new PaxTarEntry(TarEntryType.Fifo, name) { Mode = FileMode });

    /// <summary>
    /// A file whose PAX header declares <paramref name="size"/> bytes, then only <paramref name="actual"/> bytes of data
    /// and the end of the archive: what a forged header looks like. The reader believes the header.
    /// </summary>
    public HostileTar DeclaredFile(string name, long size, int actual = 0)
    {
        _output.Position = _output.Length;
        var record = Record("size", size.ToString(System.Globalization.CultureInfo.InvariantCulture)) + Record("path", name);
        var records = Encoding.UTF8.GetBytes(record);
        WriteBlock(Header("PaxHeaders/x", 'x', records.Length));
        WriteData(records);
        WriteBlock(Header("x", '0', 0));
        WriteData(new byte[actual]);
        return this;
    }

    public byte[] Tar()
    {
        _writer.Dispose(); // writes the two zero blocks that end an archive
        return _output.ToArray();
    }

    public byte[] TarGz() => Gzip(Tar());

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(content);
        return output.ToArray();
    }

    private HostileTar Add(PaxTarEntry entry)
    {
        entry.ModificationTime = Time;
        _writer.WriteEntry(entry);
        return this;
    }

    private static string Record(string key, string value)
    {
        // "LEN key=value\n", LEN counting itself.
        var body = $" {key}={value}\n";
        var length = body.Length + 1;
        while ((length.ToString().Length + body.Length) != length)
            length = length.ToString().Length + body.Length;
        return length + body;
    }

    private void WriteData(byte[] data)
    {
        _output.Write(data);
        var padding = (512 - data.Length % 512) % 512;
        _output.Write(new byte[padding]);
    }

    private void WriteBlock(byte[] block) => _output.Write(block);

    private static byte[] Header(string name, char type, long size)
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(header, 124);
        Encoding.ASCII.GetBytes("14000000000\0").CopyTo(header, 136);
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
        "        "u8.CopyTo(header.AsSpan(148));
        var sum = header.Sum(b => (int)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return header;
    }
}
