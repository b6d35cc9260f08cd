using System.Diagnostics;
using Platform.Client;
using Platform.Testing;
using RabbitMQ.Client;
using Xunit;

namespace Platform.Security.Tests;

/// <summary>
/// The broker's own limit on a message's size, which ./build.sh sets to 16 MiB (RabbitMQ's default is 128 MiB): a
/// publisher past it loses its channel before the message reaches any queue.
/// </summary>
public sealed class When_a_message_is_too_big_for_the_broker
{
    [Fact]
    public async Task The_broker_refuses_it_at_the_configured_size()
    {
        Requirements.RabbitMq();
        var limit = await ConfiguredLimitAsync();
        if (Requirements.InCi)
            Assert.True(limit <= 16 * 1024 * 1024, $"./build.sh should set max_message_size to 16 MiB or less; it is {limit}");

        var factory = new ConnectionFactory { Uri = Requirements.BusUri };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), TestContext.Current.CancellationToken);
        var queue = await channel.QueueDeclareAsync("", false, true, true, cancellationToken: TestContext.Current.CancellationToken);
        var stamped = new BasicProperties { UserId = BusIdentity.UserOf(Requirements.BusUri) };

        await channel.BasicPublishAsync("", queue.QueueName, false, stamped, new byte[1024], TestContext.Current.CancellationToken);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await channel.BasicPublishAsync("", queue.QueueName, false, stamped, new byte[limit + 1], TestContext.Current.CancellationToken));
        Assert.False(channel.IsOpen);
    }

    private static async Task<int> ConfiguredLimitAsync()
    {
        var start = new ProcessStartInfo("rabbitmqctl", ["-q", "eval", "application:get_env(rabbit, max_message_size)."]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        // {ok,16777216}, or undefined when never set (RabbitMQ's default, 128 MiB).
        var digits = new string(output.Where(char.IsDigit).ToArray());
        return digits.Length > 0 ? int.Parse(digits) : 128 * 1024 * 1024;
    }
}
