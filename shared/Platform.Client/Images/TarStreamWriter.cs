using System.Buffers.Binary;
using System.Text;

namespace Platform.Client.Images;

/// <summary>
/// Writes a ustar archive straight to a stream that need not seek: each header carries the size given up front, and
/// the data is copied after it. (System.Formats.Tar's writer wants a seekable data stream to learn the size.)
/// Entries are owned by root, mode 0644 (folders 0755), dated at the epoch, so the same content gives the same bytes.
/// </summary>
internal sealed class TarStreamWriter(Stream output)
{
    private const int Block = 512;
    private static readonly byte[] Zeros = new byte[Block * 2];

    public Task WriteDirectoryAsync(string name, CancellationToken cancellationToken) =>
        output.WriteAsync(Header(name.EndsWith('/') ? name : name + "/", 0, (byte)'5', "0000755"), cancellationToken).AsTask();

    public async Task WriteFileAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await output.WriteAsync(Header(name, content.Length, (byte)'0', "0000644"), cancellationToken);
        await output.WriteAsync(content, cancellationToken);
        await PadAsync(content.Length, cancellationToken);
    }

    /// <summary>Copies <paramref name="content"/> to its end; it must hold exactly <paramref name="size"/> bytes.</summary>
    public async Task WriteFileAsync(string name, long size, Stream content, CancellationToken cancellationToken)
    {
        await output.WriteAsync(Header(name, size, (byte)'0', "0000644"), cancellationToken);
        var buffer = new byte[81920];
        long copied = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            copied += read;
            if (copied > size)
                throw new InvalidDataException($"{name}: the content is longer than the {size} bytes announced");
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
        if (copied != size)
            throw new InvalidDataException($"{name}: the content has {copied} bytes, not the {size} announced");
        await PadAsync(size, cancellationToken);
    }

    /// <summary>The two zero blocks that end an archive.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        await output.WriteAsync(Zeros, cancellationToken);
        await output.FlushAsync(cancellationToken);
    }

    private Task PadAsync(long size, CancellationToken cancellationToken)
    {
        var remainder = (int)(size % Block);
        return remainder == 0 ? Task.CompletedTask : output.WriteAsync(Zeros.AsMemory(0, Block - remainder), cancellationToken).AsTask();
    }

    private static byte[] Header(string name, long size, byte type, string mode)
    {
        var header = new byte[Block];
        var nameBytes = Encoding.UTF8.GetBytes(name);
        if (nameBytes.Length > 100)
            throw new ArgumentException($"tar entry name longer than 100 bytes: {name}", nameof(name));
        nameBytes.CopyTo(header, 0);
        Ascii(header, 100, mode + "\0");
        Ascii(header, 108, "0000000\0");
        Ascii(header, 116, "0000000\0");
        WriteSize(header, size);
        Ascii(header, 136, "00000000000\0");
        header[156] = type;
        Ascii(header, 257, "ustar\0");
        Ascii(header, 263, "00");
        Ascii(header, 265, "root");
        Ascii(header, 297, "root");

        // The checksum is computed with its own field as spaces, then written as six octal digits, NUL, space.
        Ascii(header, 148, "        ");
        var sum = 0;
        foreach (var b in header)
            sum += b;
        Ascii(header, 148, Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
        return header;
    }

    private static void WriteSize(byte[] header, long size)
    {
        // Eleven octal digits hold sizes below 8 GiB; above that, GNU's base-256 form (high bit set, big-endian).
        if (size < 1L << 33)
        {
            Ascii(header, 124, Convert.ToString(size, 8).PadLeft(11, '0') + "\0");
            return;
        }
        header[124] = 0x80;
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(128, 8), size);
    }

    private static void Ascii(byte[] header, int offset, string text) => Encoding.ASCII.GetBytes(text, 0, text.Length, header, offset);
}
