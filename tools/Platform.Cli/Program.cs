using System.Runtime.InteropServices;
using Platform.Cli;

using var interrupt = new CancellationTokenSource();
var signals = new ConsoleSignals();
Console.CancelKeyPress += (_, e) =>
{
    // run passes Ctrl-C on to its task (SIGINT, then SIGKILL) and keeps following it.
    if (signals.Raise(PosixSignal.SIGINT))
    {
        e.Cancel = true;
        return;
    }
    // The first Ctrl-C ends the command cleanly (events stops, the bus disconnects); a second one kills.
    e.Cancel = !interrupt.IsCancellationRequested;
    interrupt.Cancel();
};
// Otherwise SIGTERM ends platformctl as it always did.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = signals.Raise(PosixSignal.SIGTERM));
return await Cli.RunAsync(args, Console.Out, Console.Error, Console.In, ct: interrupt.Token, signals: signals);
