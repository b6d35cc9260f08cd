using System.Diagnostics;
using Platform.Client.Images;

namespace Platform.Cli.Output;

/// <summary>
/// Per-blob progress of a load, pull, save or push on stderr, as docker shows it: on a terminal one line per blob in
/// progress, rewritten in place (<c>sha256:1a2b3c4d5e6f: 12.0 MiB / 40.0 MiB 8.1 MiB/s</c>), each ending as
/// <c>done</c> or <c>exists</c>; not on a terminal, quiet. Reports may come from several blobs at once (layers move in
/// parallel), so writes are serialised here.
/// </summary>
internal sealed class BlobProgressView(TextWriter stderr, string verb, bool terminal) : IProgress<BlobProgress>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (BlobProgress Last, Stopwatch Clock)> _open = [];
    private readonly HashSet<string> _finished = [];
    private int _linesShown;

    /// <summary>A view on the process's stderr, live only when that is a terminal.</summary>
    public static BlobProgressView For(Invocation run, string verb) =>
        new(run.Err, verb, ReferenceEquals(run.Err, Console.Error) && !Console.IsErrorRedirected);

    public void Report(BlobProgress value)
    {
        if (!terminal)
            return;
        lock (_lock)
        {
            if (_finished.Contains(value.Digest))
                return;
            if (!_open.TryGetValue(value.Digest, out var entry))
                entry = (value, Stopwatch.StartNew());
            _open[value.Digest] = (value, entry.Clock);
            if (value.Finished)
                _finished.Add(value.Digest);
            Redraw();
        }
    }

    /// <summary>Ends the display, so the result starts on a line of its own.</summary>
    public void Finish()
    {
        if (!terminal)
            return;
        lock (_lock)
        {
            _open.Clear();
            _linesShown = 0;
        }
    }

    private void Redraw()
    {
        // Move up over what was drawn, then draw every blob still shown; finished blobs keep their final line.
        if (_linesShown > 0)
            stderr.Write($"\u001b[{_linesShown}F");
        var lines = _open.Values.Select(e => Line(e.Last, e.Clock.Elapsed)).ToList();
        foreach (var line in lines)
            stderr.Write(line + "\u001b[K\n");
        _linesShown = lines.Count;
        stderr.Flush();
    }

    private string Line(BlobProgress p, TimeSpan elapsed)
    {
        var name = p.Digest.Length > 19 ? p.Digest[..19] : p.Digest;
        if (p.Finished)
            return $"{verb} {name}: {(p.Existed ? "exists" : "done")} {Sizes.Human(p.Total)}";
        var rate = elapsed.TotalSeconds > 0.2 ? $" {Sizes.Human((long)(p.Done / elapsed.TotalSeconds))}/s" : "";
        return $"{verb} {name}: {Sizes.Human(p.Done)} / {Sizes.Human(p.Total)}{rate}";
    }
}
