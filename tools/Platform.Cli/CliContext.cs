using System.CommandLine;
using Platform.Client;
using Platform.Common.Errors;

namespace Platform.Cli;

/// <summary>What every command of one run shares: the streams, the client defaults and the global options.</summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, TextReader stdin, PlatformClientOptions baseOptions, GlobalOptions globals,
    ConsoleSignals signals)
{
    public TextWriter Stdout { get; } = stdout;

    public TextWriter Stderr { get; } = stderr;

    public TextReader Stdin { get; } = stdin;

    public PlatformClientOptions BaseOptions { get; } = baseOptions;

    public GlobalOptions Globals { get; } = globals;

    public ConsoleSignals Signals { get; } = signals;

    /// <summary>
    /// Runs <paramref name="body"/> as the command's action and turns every failure into its message on stderr and
    /// its exit code. Commands write to stdout only once they have succeeded, so a failure leaves stdout empty.
    /// </summary>
    public void SetAction(Command command, Func<Invocation, Task<int>> body) =>
        command.SetAction(async (result, ct) =>
        {
            await using var invocation = new Invocation(this, result, ct);
            try
            {
                return await body(invocation);
            }
            catch (PlatformException e)
            {
                return await invocation.ReportAsync(e);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await Stderr.WriteLineAsync("error: interrupted");
                return ExitCodes.Interrupted;
            }
            catch (Exception e)
            {
                await Stderr.WriteLineAsync($"error: unexpected {e.GetType().Name}: {e.Message}");
                return ExitCodes.Unexpected;
            }
        });
}
