using Platform.Cli;

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C ends the command cleanly (events stops, the bus disconnects); a second one kills.
    e.Cancel = !interrupt.IsCancellationRequested;
    interrupt.Cancel();
};
return await Cli.RunAsync(args, Console.Out, Console.Error, Console.In, ct: interrupt.Token);
