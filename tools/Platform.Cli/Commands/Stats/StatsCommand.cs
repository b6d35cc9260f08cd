using System.CommandLine;
using Platform.Cli.Output;
using Platform.Contracts.Tasks;

namespace Platform.Cli.Commands.Stats;

/// <summary>
/// <c>stats [ID...]</c>: docker's live view of tasks' resource usage. CPU % needs two samples, so the first line comes
/// after one interval; <c>--no-stream</c> prints that one and exits.
/// </summary>
internal static class StatsCommand
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static Command Create(CliContext context)
    {
        var ids = new Argument<string[]>("id") { Description = "Containers whose tasks to show [default: every running task]", Arity = ArgumentArity.ZeroOrMore };
        var noStream = new Option<bool>("--no-stream") { Description = "Print one sample and exit, instead of refreshing every second" };
        var all = new Option<bool>("--all", "-a") { Description = "With no ids: every task, not only running ones" };
        var format = new Option<string>("--format") { Description = "Output format [default: --output's]", HelpName = "table|json" };
        format.AcceptOnlyFromAmong(GlobalOptions.Table, GlobalOptions.Json);
        var command = new Command("stats", "Show tasks' CPU, memory, network, block I/O and process counts, refreshed every second")
        {
            ids, noStream, all, format,
        };
        context.SetAction(command, async run =>
        {
            var json = run.Get(format) is { } given ? given == GlobalOptions.Json : run.Json;
            var client = await run.ClientAsync();
            var names = run.Get(ids) ?? [];
            Task<IReadOnlyList<TaskStats>> SampleAsync() => client.Tasks.StatsAsync(names, run.Get(all), run.Namespace, run.CancellationToken);

            var previous = ById(await SampleAsync());
            try
            {
                while (true)
                {
                    await Task.Delay(Interval, run.CancellationToken);
                    var current = await SampleAsync();
                    var rows = current.Select(s => StatsRow.Of(s, previous.GetValueOrDefault(s.ContainerId))).ToList();
                    if (json)
                        await StatsJson.WriteAsync(run.Out, rows);
                    else
                    {
                        if (!run.Get(noStream) && !Console.IsOutputRedirected && ReferenceEquals(run.Out, Console.Out))
                            await run.Out.WriteAsync(StatsText.ClearScreen);
                        await StatsText.WriteAsync(run.Out, rows);
                    }
                    await run.Out.FlushAsync(run.CancellationToken);
                    if (run.Get(noStream))
                        return ExitCodes.Ok;
                    previous = ById(current);
                }
            }
            catch (OperationCanceledException) when (run.CancellationToken.IsCancellationRequested && !run.Get(noStream))
            {
                return ExitCodes.Ok; // Ctrl-C ends a stream, as it ends docker's
            }
        });
        return command;
    }

    // An id named twice is shown twice, from the same previous sample.
    private static Dictionary<string, TaskStats> ById(IEnumerable<TaskStats> samples) =>
        samples.GroupBy(s => s.ContainerId).ToDictionary(g => g.Key, g => g.First());
}
