using System.Globalization;
using System.Text;
using Platform.Contracts.Tasks;

namespace Platform.TaskRunner.Runtime;

/// <summary>
/// Reads a process's log file as conmon writes it (k8s-file format, one line per piece of output:
/// <c>2026-11-28T16:37:47.645032652+00:00 stdout F text</c>, where <c>F</c> ends a line and <c>P</c> is part of a longer one).
/// </summary>
public static class TaskLogReader
{
    private const int MinimumChunk = 64 * 1024;

    /// <summary>
    /// Reads whole log lines from byte <paramref name="offset"/>: a trailing line not yet ended by a newline is left for
    /// the next read. <c>F</c> pieces become their text plus <c>\n</c>, <c>P</c> pieces their text alone; consecutive
    /// pieces of the same stream merge into one entry (with the first piece's time). Stops before
    /// <paramref name="maxBytes"/> bytes of the file are consumed, but always returns at least one line when one is
    /// complete. A missing file gives no entries and the same offset; an offset past the end (the monitor truncated the
    /// file at its size limit) restarts at 0.
    /// </summary>
    public static (IReadOnlyList<TaskLogEntry> Entries, long NextOffset) Read(string path, long offset, int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return ([], offset);
        }
        using (stream)
        {
            if (offset > stream.Length)
                offset = 0;
            stream.Seek(offset, SeekOrigin.Begin);
            var entries = new List<TaskLogEntry>();
            var buffer = new byte[Math.Max(Math.Min(maxBytes, MinimumChunk), 4096)];
            var filled = 0;
            var consumed = 0L; // bytes of the file turned into entries (or skipped as malformed)
            var builder = new StringBuilder();
            string? currentStream = null;
            DateTimeOffset currentTime = default;
            var lines = 0;
            var eof = false;
            while (true)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', 0, filled);
                if (newline < 0)
                {
                    if (eof)
                        break;
                    if (filled == buffer.Length)
                        Array.Resize(ref buffer, buffer.Length * 2); // one line longer than the buffer
                    var read = stream.Read(buffer, filled, buffer.Length - filled);
                    if (read == 0)
                        eof = true;
                    filled += read;
                    continue;
                }
                var lineLength = newline + 1;
                if (lines > 0 && consumed + lineLength > maxBytes)
                    break;
                var piece = Parse(buffer.AsSpan(0, newline));
                if (piece is { } p)
                {
                    if (currentStream != p.Stream)
                    {
                        Flush();
                        currentStream = p.Stream;
                        currentTime = p.Time;
                    }
                    builder.Append(p.Text);
                    if (p.Full)
                        builder.Append('\n');
                }
                consumed += lineLength;
                lines++;
                Buffer.BlockCopy(buffer, lineLength, buffer, 0, filled - lineLength);
                filled -= lineLength;
            }
            Flush();
            return (entries, offset + consumed);

            void Flush()
            {
                if (currentStream is null)
                    return;
                entries.Add(new TaskLogEntry { Stream = currentStream, Time = currentTime, Text = builder.ToString() });
                builder.Clear();
                currentStream = null;
            }
        }
    }

    private readonly record struct Piece(DateTimeOffset Time, string Stream, bool Full, string Text);

    /// <summary>One line without its newline; null when it is not <c>time stream P|F text</c>.</summary>
    private static Piece? Parse(ReadOnlySpan<byte> line)
    {
        var first = line.IndexOf((byte)' ');
        if (first < 0)
            return null;
        var rest = line[(first + 1)..];
        var second = rest.IndexOf((byte)' ');
        if (second < 0)
            return null;
        var streamName = Encoding.ASCII.GetString(rest[..second]);
        rest = rest[(second + 1)..];
        if (rest.Length == 0 || (rest[0] != (byte)'F' && rest[0] != (byte)'P') || (rest.Length > 1 && rest[1] != (byte)' '))
            return null;
        var full = rest[0] == (byte)'F';
        var text = rest.Length > 2 ? Encoding.UTF8.GetString(rest[2..]) : "";
        if (!TryParseTime(Encoding.ASCII.GetString(line[..first]), out var time))
            return null;
        return new Piece(time, streamName, full, text);
    }

    /// <summary>RFC 3339 with up to nine fraction digits (.NET parses seven).</summary>
    private static bool TryParseTime(string text, out DateTimeOffset time)
    {
        var dot = text.IndexOf('.');
        if (dot >= 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
                end++;
            if (end - dot - 1 > 7)
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }
}
