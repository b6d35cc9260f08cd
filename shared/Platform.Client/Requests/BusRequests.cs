using MassTransit;
using Platform.Common.Errors;
using Platform.Contracts;

namespace Platform.Client.Requests;

/// <summary>
/// Requests through a MassTransit bus the caller owns (a service host, a test harness): straight to the service's
/// queue, which MassTransit declares, with replies on the bus's own endpoint.
/// </summary>
internal sealed class BusRequests(IBus bus) : IRequestSender
{
    public async Task<TResult> RequestAsync<TRequest, TResult>(string queue, string destination, TRequest request, TimeSpan timeout,
        CancellationToken cancellationToken)
        where TRequest : class
        where TResult : class
    {
        // The request timeout starts once the message is sent; this one also bounds the send itself.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var response = await bus.CreateRequestClient<TRequest>(new Uri($"queue:{destination}"), RequestTimeout.After(ms: (int)timeout.TotalMilliseconds))
                .GetResponse<TResult, ErrorReply>(request, deadline.Token);
            if (response.Is(out Response<TResult>? result))
                return result.Message;
            response.Is(out Response<ErrorReply>? error);
            var reply = error!.Message;
            throw new PlatformException(Enum.IsDefined(reply.Kind) ? reply.Kind : ErrorKind.Internal, reply.Message);
        }
        catch (Exception e) when (e is RequestTimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw RequestErrors.NoReply(queue, timeout, e);
        }
        catch (RequestFaultException e)
        {
            var cause = e.Fault?.Exceptions.FirstOrDefault();
            throw RequestErrors.Faulted(queue, cause?.ExceptionType, cause?.Message, e);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
