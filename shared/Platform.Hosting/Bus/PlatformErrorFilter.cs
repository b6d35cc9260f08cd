using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Platform.Common.Errors;
using Platform.Hosting.Storage;

namespace Platform.Hosting.Bus;

/// <summary>
/// Turns an expected failure (<see cref="PlatformException"/>) into an <see cref="Platform.Contracts.ErrorReply"/>
/// so consumers need no try/catch. The message counts as handled: an expected outcome is not retried and
/// never lands in an error queue. So is a full disk under the store (<see cref="StoreFaults"/>): retrying it at once
/// would fail the same way. Anything else propagates to retry, then fault and the <c>_error</c> queue.
/// The refusal is reported to MassTransit as a consumption: a message whose consumer threw is otherwise seen as
/// delivered to no one, and MassTransit moves such a message to the endpoint's <c>_skipped</c> queue, where every
/// refused request (each NotFound, each bad input) would pile up for ever.
/// </summary>
public sealed class PlatformErrorFilter<T>(ILogger<PlatformErrorFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        using var scope = Serilog.Context.LogContext.PushProperty("MessageId", context.MessageId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next.Send(context);
        }
        catch (PlatformException e)
        {
            logger.LogInformation("{MessageType} {MessageId} refused: {ErrorKind}: {Reason}",
                typeof(T).Name, context.MessageId, e.Kind, e.Message);
            await RefuseAsync(context, e, started);
        }
        catch (Exception e) when (StoreFaults.Translate(e) is { } fault)
        {
            logger.LogWarning(e, "{MessageType} {MessageId} failed on the machine: {ErrorKind}: {Reason}",
                typeof(T).Name, context.MessageId, fault.Kind, fault.Message);
            await RefuseAsync(context, fault, started);
        }
    }

    private static async Task RefuseAsync(ConsumeContext<T> context, PlatformException e, long started)
    {
        await context.ReplyAsync(e.ToReply());
        await context.NotifyConsumed(context, Stopwatch.GetElapsedTime(started), "refused");
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("platformErrors");
}
