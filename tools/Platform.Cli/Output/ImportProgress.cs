namespace Platform.Cli.Output;

/// <summary>
/// How far an import has got, on stderr only (stdout stays for the result): on a terminal one line rewritten in
/// place with '\r'; otherwise (a log, a pipe) a new line each time another tenth is sent, so logs stay short.
/// Reports arrive on the sending flow itself, one at a time.
/// </summary>
internal sealed class ImportProgress(TextWriter stderr, string name, bool terminal) : IProgress<(long Sent, long Total)>
{
    private int _tenthsShown;
    private int _lineLength;

    public void Report((long Sent, long Total) value)
    {
        var percent = value.Total <= 0 ? 100 : (int)(value.Sent * 100 / value.Total);
        var line = $"importing {name}: {percent}% ({Sizes.Human(value.Sent)} of {Sizes.Human(value.Total)})";
        if (terminal)
        {
            // Pad over what the previous line had, as a shorter unit ("1.0 MiB" after "1023.9 KiB") leaves residue.
            stderr.Write("\r" + line.PadRight(_lineLength));
            _lineLength = line.Length;
            stderr.Flush();
            return;
        }
        var tenths = percent / 10;
        if (tenths <= _tenthsShown)
            return;
        _tenthsShown = tenths;
        stderr.WriteLine(line);
    }

    /// <summary>Ends the terminal line, so what follows (the result, or an error) starts on a line of its own.</summary>
    public void Finish()
    {
        if (terminal && _lineLength > 0)
            stderr.WriteLine();
        _lineLength = 0;
    }
}
