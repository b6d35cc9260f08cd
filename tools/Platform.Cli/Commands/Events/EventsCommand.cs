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
        var command = new Command("events",
            "Print events as they happen, one per line, until Ctrl-C: of the namespace given with --namespace (or $PLATFORM_NAMESPACE), else of every namespace (administrators only)")
        {
            filters,
        };
        context.SetAction(command, async run =>
        {
            var match = FilterSet.Parse(run.Get(filters));
            // The broker lets a user bind only its namespaces' events, so a user names one; administrators may watch all.
            string[]? namespaces = run.Has(context.Globals.Namespace) || Environment.GetEnvironmentVariable("PLATFORM_NAMESPACE") is { Length: > 0 }
                ? [run.Namespace]
                : null;
            var client = await run.ClientAsync();
            // Handlers run concurrently on the bus; one reader keeps lines whole and in arrival order.
            var received = Channel.CreateUnbounded<IPlatformEvent>(new UnboundedChannelOptions { SingleReader = true });
            IAsyncDisposable subscription;
            try
            {
                subscription = await client.Events.SubscribeAsync((e, _) =>
                {
                    received.Writer.TryWrite(e);
                    return Task.CompletedTask;
                }, namespaces: namespaces, cancellationToken: run.CancellationToken);
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
}
