using MassTransit;

namespace Platform.Client;

/// <summary>
/// Stamps every message a bus sends or publishes with the AMQP <c>user_id</c> property: the broker user of the
/// connection. RabbitMQ refuses a message whose <c>user_id</c> differs from the connection's user, so a service
/// can trust the property to say who sent it; a message without it is anonymous and gets nothing.
/// </summary>
public static class BusIdentity
{
    /// <summary>The broker user named by a bus address (<c>amqp://USER:PASSWORD@host/vhost</c>), <c>guest</c> when it names none.</summary>
    public static string UserOf(Uri busUri)
    {
        var info = busUri.UserInfo;
        if (string.IsNullOrEmpty(info))
            return "guest";
        var colon = info.IndexOf(':');
        return Uri.UnescapeDataString(colon < 0 ? info : info[..colon]);
    }

    /// <summary>Adds the stamp to every send and publish of the bus being configured.</summary>
    public static void StampUserId(this IRabbitMqBusFactoryConfigurator cfg, Uri busUri)
    {
        var user = UserOf(busUri);
        cfg.ConfigureSend(s => s.UseSendExecute(context => Stamp(context, user)));
        cfg.ConfigurePublish(p => p.UseExecute(context => Stamp(context, user)));
    }

    private static void Stamp(SendContext context, string user)
    {
        if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            rabbit.BasicProperties.UserId = user;
    }
}
