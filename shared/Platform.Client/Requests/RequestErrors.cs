using Platform.Common.Errors;

namespace Platform.Client.Requests;

/// <summary>The errors of a request that got no answer or a fault, worded alike whichever way it was sent.</summary>
internal static class RequestErrors
{
    public static PlatformException NoReply(string queue, TimeSpan timeout, Exception? inner = null) =>
        PlatformException.Unavailable(
            $"no reply from {queue} within {timeout.TotalSeconds:0} s; is platformd (or the service owning {queue}) running?", inner);

    public static PlatformException Faulted(string queue, string? exceptionType, string? message, Exception? inner = null) =>
        PlatformException.Internal(
            $"{queue} failed unexpectedly: {exceptionType}: {message} (the message was moved to the {queue}_error queue)", inner);

    public static PlatformException Unreachable(Uri busUri, TimeSpan timeout, Exception inner) =>
        PlatformException.Unavailable(
            $"cannot reach RabbitMQ at {busUri.Host}:{BusTls.PortOf(busUri)} within {timeout.TotalSeconds:0} s: {inner.GetBaseException().Message}", inner);
}
