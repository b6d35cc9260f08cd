using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Client;
using Platform.Hosting.Options;

namespace Platform.Hosting.Security;

/// <summary>
/// Establishes who sent each message before its consumer runs: the AMQP <c>user_id</c> property, which RabbitMQ
/// checks against the connection's user. The services' own user is the user of their bus address.
/// </summary>
public sealed class AuthorizationFilter<T>(IOptions<BusOptions> bus) : IFilter<ConsumeContext<T>>
    where T : class
{
    private readonly string _serviceUser = BusIdentity.UserOf(bus.Value.Uri);

    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var user = SenderOf(context);
        var caller = user == _serviceUser
            ? new Caller { User = user, IsService = true }
            : new Caller { User = user ?? "" };
        context.GetOrAddPayload(() => caller);
        return next.Send(context);
    }

    /// <summary>The <c>user_id</c> property of the delivery, or null when the publisher set none.</summary>
    public static string? SenderOf(ConsumeContext context) =>
        context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) && !string.IsNullOrEmpty(rabbit.Properties.UserId)
            ? rabbit.Properties.UserId
            : null;

    public void Probe(ProbeContext context) => context.CreateFilterScope("platformAuthorization");
}
