using System.Runtime.Serialization;
using System.Text.Json;
using MassTransit;
using Platform.Contracts;

namespace Platform.Hosting.Bus.Replies;

/// <summary>
/// First in every receive endpoint's error pipe, before MassTransit's own fault and <c>_error</c> filters: a request that
/// failed (its consumer threw after the last retry, or its message could not be read as its type) still answers a
/// client that reads plain replies (<see cref="ReplyTarget.Queue"/>), with an <see cref="ErrorReply"/> whose kind says
/// which. MassTransit's own fault message is for MassTransit clients. The request still moves to the <c>_error</c> queue.
/// </summary>
public sealed class ReplyOnErrorFilter : IFilter<ExceptionReceiveContext>
{
    public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        if (context.TryGetPayload<RoutedRequest>(out var routed) && routed.Route.Target is ReplyTarget.Queue)
            await routed.Routes.SendAsync(routed.Request, routed.Route, ErrorFor(context));
        await next.Send(context);
    }

    private static ErrorReply ErrorFor(ExceptionReceiveContext context)
    {
        var queue = context.InputAddress.AbsolutePath.Split('/').LastOrDefault();
        var unreadable = Causes(context.Exception).FirstOrDefault(e => e is JsonException or SerializationException);
        if (unreadable is not null)
        {
            return new ErrorReply
            {
                Kind = ErrorKind.InvalidArgument,
                Message = $"the message could not be read: {unreadable.Message} (it was moved to the {queue}_error queue)",
            };
        }
        var cause = context.Exception.GetBaseException();
        return new ErrorReply
        {
            Kind = ErrorKind.Internal,
            Message = $"{queue} failed unexpectedly: {cause.GetType().Name}: {cause.Message} (the message was moved to the {queue}_error queue)",
        };
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
            yield return e;
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("platformReplyOnError");
}
