using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Common.Errors;
using Platform.Contracts;
using Xunit;

namespace Platform.Testing;

/// <summary>Requests sent with a message id the test chooses, as a redelivery or a retry of the same message carries it.</summary>
public static class SameMessage
{
    /// <summary>Sends <paramref name="request"/> to its service queue under the fixture's prefix; an error reply throws it.</summary>
    public static async Task<TResult> SendAsync<T, TResult>(PlatformFixture fixture, T request, Guid messageId, CancellationToken cancellationToken)
        where T : class
        where TResult : class
    {
        Requirements.RabbitMq();
        var bus = fixture.Services.GetRequiredService<IBus>();
        var requests = bus.CreateRequestClient<T>(new Uri($"queue:{fixture.Prefix}{QueueNames.Of<T>()}"), RequestTimeout.After(s: 30));
        var response = await requests.GetResponse<TResult, ErrorReply>(request, x => x.UseExecute(context => context.MessageId = messageId), cancellationToken);
        if (response.Is(out Response<TResult>? result))
            return result.Message;
        Assert.True(response.Is(out Response<ErrorReply>? error));
        throw new PlatformException(error.Message.Kind, error.Message.Message);
    }
}
