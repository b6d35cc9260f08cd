using System.CommandLine;
using System.Threading.Channels;
using Platform.Common.Filters;
using Platform.Contracts;

namespace Platform.Cli.Commands.Events;

internal static class EventsCommand
{
    /// <summary>Written to stderr once the subscription is bound: events from then on are not missed.</summary>
    public const string Listening = "listening for events; Ctrl-C to stop";

    public static Command Create(CliContext context)
    {
        var filters = new Option<string[]>("--filter")
        {
            Description = "Filter over type, namespace, id and labels.<key>, e.g. 'type==ContainerCreated,namespace==default'; repeatable, any may match",
            HelpName = "FILTER",
        };
        var command = new Command("events", "Print events of every namespace as they happen, one per line, until Ctrl-C") { filters };
        context.SetAction(command, async run =>
        {
            var match = FilterSet.Parse(run.Get(filters));
            var client = await run.ClientAsync();
            // Handlers run concurrently on the bus; one reader keeps lines whole and in arrival order.
            var received = Channel.CreateUnbounded<IPlatformEvent>(new UnboundedChannelOptions { SingleReader = true });
            await using (await client.Events.SubscribeAsync((e, _) =>
                         {
                             received.Writer.TryWrite(e);
                             return Task.CompletedTask;
                         }, cancellationToken: run.CancellationToken))
            {
                await run.Err.WriteLineAsync(Listening);
                try
                {
                    await foreach (var e in received.Reader.ReadAllAsync(run.CancellationToken))
                    {
                        if (!match.Match(new EventFields(e)))
                            continue;
                        await run.Out.WriteLineAsync(run.Json ? EventOutput.JsonLine(e) : EventOutput.Line(e));
                        await run.Out.FlushAsync(run.CancellationToken);
                    }
                }
                catch (OperationCanceledException) when (run.CancellationToken.IsCancellationRequested)
                {
                    // Ctrl-C is how events ends: success.
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
