using System.Text;
using Platform.TaskRunner.Runtime;
using Xunit;

namespace Platform.TaskRunner.Tests.Runtime;

/// <summary>The k8s-file log format as conmon writes it, read back in pieces.</summary>
public sealed class TaskLogReaderTests : IDisposable
{
    private const string T1 = "2026-11-28T16:37:47.645032652+00:00";
    private const string T2 = "2026-11-28T16:37:48.000000001+00:00";
    private readonly string _dir = Directory.CreateTempSubdirectory("logs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string content)
    {
        var path = Path.Combine(_dir, "init.log");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void When_pieces_of_one_stream_follow_each_other_Should_merge_them_with_the_first_time()
    {
        var path = Write($"{T1} stdout P hel\n{T2} stdout F lo\n{T2} stdout F world\n{T2} stderr F oops\n{T2} stdout F again\n");

        var (entries, next) = TaskLogReader.Read(path, 0, 1 << 20);

        Assert.Equal([("stdout", "hello\nworld\n"), ("stderr", "oops\n"), ("stdout", "again\n")], entries.Select(e => (e.Stream, e.Text)));
        Assert.Equal(DateTimeOffset.Parse("2026-11-28T16:37:47.6450326+00:00"), entries[0].Time);
        Assert.Equal(new FileInfo(path).Length, next);
    }

    [Fact]
    public void When_the_last_line_is_incomplete_Should_leave_it_for_the_next_read()
    {
        var path = Write($"{T1} stdout F one\n{T1} stdout F tw");

        var (entries, next) = TaskLogReader.Read(path, 0, 1 << 20);
        Assert.Equal(["one\n"], entries.Select(e => e.Text));
        File.AppendAllText(path, "o\n");
        var (rest, end) = TaskLogReader.Read(path, next, 1 << 20);

        Assert.Equal(Encoding.UTF8.GetByteCount($"{T1} stdout F one\n"), next);
        Assert.Equal(["two\n"], rest.Select(e => e.Text));
        Assert.Equal(new FileInfo(path).Length, end);
    }

    [Fact]
    public void When_max_bytes_is_reached_Should_stop_at_a_line_boundary_and_continue_from_there()
    {
        var line = $"{T1} stdout F 0123456789\n"; // 58 bytes
        var path = Write(string.Concat(Enumerable.Repeat(line, 5)));

        var (first, next) = TaskLogReader.Read(path, 0, line.Length * 2 + 10);
        var (second, next2) = TaskLogReader.Read(path, next, line.Length * 2 + 10);
        var (third, next3) = TaskLogReader.Read(path, next2, line.Length * 2 + 10);
        var (none, next4) = TaskLogReader.Read(path, next3, line.Length * 2 + 10);

        Assert.Equal(line.Length * 2, next);
        Assert.Equal("0123456789\n0123456789\n", Assert.Single(first).Text);
        Assert.Equal("0123456789\n0123456789\n", Assert.Single(second).Text);
        Assert.Equal("0123456789\n", Assert.Single(third).Text);
        Assert.Equal(line.Length * 5, next3);
        Assert.Empty(none);
        Assert.Equal(next3, next4);
    }

    [Fact]
    public void When_one_line_is_longer_than_max_bytes_Should_still_return_it()
    {
        var text = new string('x', 200_000);
        var path = Write($"{T1} stderr F {text}\n{T1} stderr F next\n");

        var (entries, next) = TaskLogReader.Read(path, 0, 10);

        Assert.Equal(text + "\n", Assert.Single(entries).Text);
        Assert.Equal(Encoding.UTF8.GetByteCount($"{T1} stderr F {text}\n"), next);
    }

    [Fact]
    public void When_the_file_is_missing_Should_return_nothing_and_the_same_offset()
    {
        var (entries, next) = TaskLogReader.Read(Path.Combine(_dir, "missing.log"), 123, 4096);

        Assert.Empty(entries);
        Assert.Equal(123, next);
    }

    [Fact]
    public void When_lines_are_empty_or_not_ascii_Should_keep_their_text()
    {
        var path = Write($"{T1} stdout F \n{T1} stdout F\n{T1} stdout F héllo ✓\n");

        var (entries, _) = TaskLogReader.Read(path, 0, 4096);

        Assert.Equal("\n\nhéllo ✓\n", Assert.Single(entries).Text);
    }

    [Fact]
    public void When_a_line_is_malformed_Should_skip_it_and_move_on()
    {
        var path = Write($"garbage\n{T1} stdout X what\n{T1} stdout F ok\n");

        var (entries, next) = TaskLogReader.Read(path, 0, 4096);

        Assert.Equal(["ok\n"], entries.Select(e => e.Text));
        Assert.Equal(new FileInfo(path).Length, next);
    }
}
