namespace Platform.Cli.Terminal;

/// <summary>
/// platformctl's stdin as bytes: the process's own stdin, read raw, when the command was given the console's reader;
/// otherwise (in-process callers, tests) the given reader's text as UTF-8.
/// </summary>
internal sealed class StdinReader(TextReader reader)
{
    // Not Console.OpenStandardInput(): on a terminal that reads whole lines through .NET's own line editor, which sets
    // its own terminal mode, echoes, and holds the console's lock while it waits (so output stalls). fd 0 as it is.
    private readonly Stream? _console = ReferenceEquals(reader, Console.In)
        ? new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(TerminalNative.StdinFd, ownsHandle: false), FileAccess.Read, 0)
        : null;
    private readonly char[] _chars = new char[4096];

    /// <summary>True when the bytes come from the process's stdin (a terminal, a pipe or a file).</summary>
    public bool IsConsole => _console is not null;

    /// <summary>The next bytes (0: end of input). A console read blocks a pool thread: it can't be cancelled, only abandoned.</summary>
    public async Task<byte[]> ReadAsync(CancellationToken cancellationToken)
    {
        if (_console is { } console)
        {
            var buffer = new byte[4096];
            var read = await Task.Run(() => console.Read(buffer, 0, buffer.Length), CancellationToken.None).WaitAsync(cancellationToken);
            return buffer[..read];
        }
        var count = await reader.ReadAsync(_chars, cancellationToken);
        return System.Text.Encoding.UTF8.GetBytes(_chars, 0, count);
    }
}
