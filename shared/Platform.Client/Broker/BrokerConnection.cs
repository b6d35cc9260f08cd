using Platform.Client.Requests;
using Platform.Common.Errors;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Client;

/// <summary>The one AMQP connection a client that owns its connection opens (RabbitMQ.Client's, no MassTransit).</summary>
internal static class BrokerConnection
{
    /// <summary>
    /// Connects, trying again while the broker refuses connections (it may be starting) until
    /// <see cref="PlatformClientOptions.ConnectTimeout"/>. Unavailable when it can't be reached in time, or at once when
    /// it refuses the user (a wrong password, a deleted user, no access to the vhost): waiting would not change that.
    /// </summary>
    public static async Task<IConnection> OpenAsync(PlatformClientOptions options, BusTls? tls, CancellationToken cancellationToken)
    {
        var user = BusIdentity.UserOf(options.BusUri);
        var factory = new ConnectionFactory
        {
            Uri = options.BusUri,
            ClientProvidedName = $"platform client ({user})",
            RequestedConnectionTimeout = options.ConnectTimeout,
        };
        tls?.Apply(factory); // over amqps:// this connection verifies the broker as the services' bus does
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var pause = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return await factory.CreateConnectionAsync(timeout.Token);
            }
            catch (BrokerUnreachableException e) when (Refused(e))
            {
                throw PlatformException.Unavailable(
                    $"RabbitMQ at {options.BusUri.Host}:{BusTls.PortOf(options.BusUri)} refused user \"{user}\": {e.GetBaseException().Message}", e);
            }
            catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or OperationCanceledException
                                      && !cancellationToken.IsCancellationRequested)
            {
                if (timeout.IsCancellationRequested)
                    throw RequestErrors.Unreachable(options.BusUri, options.ConnectTimeout, e);
                try
                {
                    await Task.Delay(pause, timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw RequestErrors.Unreachable(options.BusUri, options.ConnectTimeout, e);
                }
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
            }
        }
    }

    /// <summary>A wrong password or user (403 ACCESS_REFUSED), or no access to the vhost (530 NOT_ALLOWED).</summary>
    private static bool Refused(BrokerUnreachableException e)
    {
        for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationFailureException or PossibleAuthenticationFailureException
                || inner is OperationInterruptedException { ShutdownReason.ReplyCode: 403 or 530 })
                return true;
        }
        return false;
    }
}
