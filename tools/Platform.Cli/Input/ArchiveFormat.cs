using System.IO.Compression;

namespace Platform.Cli.Input;

/// <summary>
/// Recognises a tar archive, plain or gzip-compressed, by its content (a file's name proves nothing): a gzip stream
/// is opened and the first 512-byte block of what it holds must be a tar header with a valid checksum, or the
/// all-zero end marker of an empty archive. Only the start is read; the service verifies the rest when it unpacks.
/// </summary>
internal static class ArchiveFormat
{
    private const int BlockSize = 512;
    private const int ChecksumOffset = 148;
    private const int ChecksumLength = 8;

    /// <summary>True for a tar or tar.gz; leaves <paramref name="archive"/> (seekable) where it was.</summary>
    public static bool IsTar(Stream archive)
    {
        var start = archive.Position;
        try
        {
            Span<byte> magic = stackalloc byte[2];
            var gzip = archive.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            archive.Position = start;
            var block = new byte[BlockSize];
            int read;
            if (gzip)
            {
                using var decompressed = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
                try
                {
                    read = decompressed.ReadAtLeast(block, BlockSize, throwOnEndOfStream: false);
                }
                catch (InvalidDataException)
                {
                    return false;
                }
            }
            else
            {
                read = archive.ReadAtLeast(block, BlockSize, throwOnEndOfStream: false);
            }
            return read == BlockSize && IsHeader(block);
        }
        finally
        {
            archive.Position = start;
        }
    }

    /// <summary>
    /// The stored checksum (octal, ended by NUL or space) equals the sum of the header's bytes with the checksum
    /// field counted as spaces; old writers summed signed bytes, so either sum is accepted.
    /// </summary>
    internal static bool IsHeader(ReadOnlySpan<byte> block)
    {
        if (!block.ContainsAnyExcept((byte)0))
            return true;
        var field = block.Slice(ChecksumOffset, ChecksumLength).TrimStart((byte)' ');
        var end = field.IndexOfAny((byte)0, (byte)' ');
        var digits = end < 0 ? field : field[..end];
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange((byte)'0', (byte)'7'))
            return false;
        long stored = 0;
        foreach (var digit in digits)
            stored = stored * 8 + (digit - '0');
        long unsigned = 0, signed = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i is >= ChecksumOffset and < ChecksumOffset + ChecksumLength ? (byte)' ' : block[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        return stored == unsigned || stored == signed;
    }
}
