using System.CommandLine;
using System.Threading.Channels;
using Platform.Common.Errors;
using Platform.Common.Events;
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
        var history = new HistoryFlags();
        var command = new Command("events",
            "Print events as they happen, one per line, until Ctrl-C: of the namespace given with --namespace (or $PLATFORM_NAMESPACE), else of every namespace (administrators only); "
            + "with --since, the kept events from then first; with --until, only kept events")
        {
            filters,
        };
        history.AddTo(command);
        context.SetAction(command, async run =>
        {
            var match = FilterSet.Parse(run.Get(filters));
            var (from, until) = history.Read(run, DateTimeOffset.UtcNow);
            // The broker lets a user bind only its namespaces' events, so a user names one; administrators may watch all.
            string[]? namespaces = run.Has(context.Globals.Namespace) || Environment.GetEnvironmentVariable("PLATFORM_NAMESPACE") is { Length: > 0 }
                ? [run.Namespace]
                : null;
            var client = await run.ClientAsync();
            if (until is not null)
                return await PrintHistoryAsync(run, client.Events.ReadHistoryAsync(from, until, run.Get(filters), namespaces, run.CancellationToken), namespaces);
            // Handlers run concurrently on the bus; one reader keeps lines whole and in arrival order.
            var received = Channel.CreateUnbounded<IPlatformEvent>(new UnboundedChannelOptions { SingleReader = true });
            IAsyncDisposable subscription;
            try
            {
                Task Receive(IPlatformEvent e, CancellationToken _)
                {
                    received.Writer.TryWrite(e);
                    return Task.CompletedTask;
                }
                // With --since the kept events are handed over first, then live ones, with no gap and no duplicate between.
                subscription = from is null
                    ? await client.Events.SubscribeAsync(Receive, namespaces: namespaces, cancellationToken: run.CancellationToken)
                    : await client.Events.SubscribeAsync(Receive, from, namespaces, run.Get(filters), run.CancellationToken);
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.PermissionDenied && namespaces is null)
            {
                throw PlatformException.PermissionDenied($"{e.Message}; name a namespace of yours with --namespace", e);
            }
            await using (subscription)
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

    /// <summary><c>--until</c>: the kept events, in order, as live ones print; then exit.</summary>
    private static async Task<int> PrintHistoryAsync(Invocation run, IAsyncEnumerable<IPlatformEvent> events, string[]? namespaces)
    {
        try
        {
            await foreach (var e in events)
                await run.Out.WriteLineAsync(run.Json ? EventOutput.JsonLine(e) : EventOutput.Line(e));
        }
        catch (PlatformException e) when (e.Kind == ErrorKind.PermissionDenied && namespaces is null)
        {
            throw PlatformException.PermissionDenied($"{e.Message}; name a namespace of yours with --namespace", e);
        }
        await run.Out.FlushAsync(run.CancellationToken);
        return ExitCodes.Ok;
    }
}
