using System.Net.Sockets;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// Tests that need a server never pass silently without it: under CI (<c>CI=true</c>) a missing server fails
/// the test; elsewhere the test is skipped with the reason.
/// </summary>
public static class Requirements
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static Uri BusUri => new(Environment.GetEnvironmentVariable("PLATFORM_BUS") is { Length: > 0 } env ? env : "amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>Fails (CI) or skips (elsewhere) unless RabbitMQ accepts connections.</summary>
    public static void RabbitMq()
    {
        var reason = Probe(BusUri.Host, BusUri.Port > 0 ? BusUri.Port : 5672);
        if (reason is null)
            return;
        var message = $"RabbitMQ is needed at {BusUri.Host}:{BusUri.Port}: {reason}. `./build.sh test` installs and starts it.";
        if (InCi)
            Assert.Fail(message);
        Assert.Skip(message);
    }

    /// <summary>The MongoDB connection string from <c>MONGODB_URI</c>, or a skip: MongoDB is exercised only where one is configured.</summary>
    public static string MongoUri()
    {
        var uri = Environment.GetEnvironmentVariable("MONGODB_URI");
        if (string.IsNullOrWhiteSpace(uri))
            Assert.Skip("MONGODB_URI is not set: the MongoDB store runs only against a configured server.");
        return uri;
    }

    private static string? Probe(string host, int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(host, port).Wait(TimeSpan.FromSeconds(3)) ? null : "no answer within 3 s";
        }
        catch (Exception e)
        {
            return e.GetBaseException().Message;
        }
    }
}
