using System.CommandLine;

namespace Platform.Cli.Commands.Run;

/// <summary>What <c>-i</c> and <c>-t</c> asked for.</summary>
internal sealed record StdioRequest(bool Stdin, bool Terminal)
{
    public static readonly StdioRequest None = new(false, false);

    /// <summary>platformctl stays attached through a <see cref="Terminal.TerminalSession"/>, not the plain output follower.</summary>
    public bool Attached => Stdin || Terminal;
}

/// <summary>docker's <c>-i/--interactive</c> and <c>-t/--tty</c>, for <c>run</c> and <c>tasks exec</c> (bundled as <c>-it</c>).</summary>
internal sealed class StdioFlags
{
    private readonly Option<bool> _interactive = new("--interactive", "-i") { Description = "Keep the process's stdin open and pass platformctl's stdin to it" };

    private readonly Option<bool> _tty = new("--tty", "-t")
    {
        Description = "Run the process on a terminal (raw keys with -i on a terminal; detach with Ctrl-P Ctrl-Q; the window size followed)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_interactive);
        command.Options.Add(_tty);
    }

    /// <exception cref="Platform.Common.Errors.PlatformException">
    /// InvalidArgument for <c>-it</c> when platformctl's own stdin is a pipe or file (docker's "the input device is not a
    /// TTY"): a terminal's input never ends, so the piped input's end would never reach the process.
    /// </exception>
    public StdioRequest Read(Invocation run)
    {
        var request = new StdioRequest(run.Get(_interactive), run.Get(_tty));
        if (request is { Stdin: true, Terminal: true } && ReferenceEquals(run.In, Console.In) && !Terminal.TerminalNative.IsTerminal(Terminal.TerminalNative.StdinFd))
            throw Platform.Common.Errors.PlatformException.InvalidArgument("-t with -i needs stdin to be a terminal (the input device is not a TTY); use -i alone for piped input");
        return request;
    }
}
