using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Transport;

/// <summary>What the transport tests need, with <see cref="Requirements"/>' rule: under CI a missing piece fails, elsewhere it skips.</summary>
internal static class TlsRequirements
{
    /// <summary>openssl, to make the test's certificates.</summary>
    public static string? MissingOpenSsl() =>
        File.Exists("/usr/bin/openssl") ? null : "openssl is not installed (Debian package openssl): the test makes its certificates with it";

    /// <summary>openssl, RabbitMQ's wrappers and root (they run a node as the rabbitmq user), to start a TLS broker of the test's own.</summary>
    public static string? MissingBroker() =>
        MissingOpenSsl()
        ?? (File.Exists("/usr/sbin/rabbitmq-server") && File.Exists("/usr/sbin/rabbitmqctl") ? null
            : "RabbitMQ is not installed (Debian package rabbitmq-server; ./build.sh test installs it)")
        ?? (Environment.IsPrivilegedProcess ? null : "starting a RabbitMQ node of the test's own needs root (RabbitMQ's wrappers switch to the rabbitmq user)");

    public static void Require(string? missing)
    {
        if (missing is null)
            return;
        var message = $"TLS transport tests: {missing}.";
        if (Requirements.InCi)
            Assert.Fail(message);
        Assert.Skip(message);
    }
}
