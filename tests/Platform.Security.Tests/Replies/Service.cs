using System.Diagnostics;
using Platform.Client;
using Platform.Contracts.Containers;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Replies;

/// <summary>What every test here checks after a request whose reply could not go where it asked.</summary>
internal static class Service
{
    public static CreateContainer NewContainer(string id) => new() { Id = id, Runtime = new RuntimeInfo { Name = "io.containerd.runc.v2" }, Spec = "{}" };

    /// <summary>
    /// One normal request before the test's own, so the measured one after it pays for no first use (the client's
    /// request machinery, the service's first create).
    /// </summary>
    public static async Task WarmUpAsync(PlatformClient client, CancellationToken cancellationToken) =>
        await client.Containers.CreateAsync(NewContainer($"warm-{Guid.NewGuid():N}"[..19]), cancellationToken);

    /// <summary>A normal request through the client library succeeds within a second: the endpoint still consumes.</summary>
    public static async Task AnswersWithinASecondAsync(PlatformClient client, CancellationToken cancellationToken)
    {
        var id = $"after-{Guid.NewGuid():N}"[..20];
        var clock = Stopwatch.StartNew();
        var created = await client.Containers.CreateAsync(NewContainer(id), cancellationToken);
        clock.Stop();
        Assert.Equal(id, created.Id);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"a normal request took {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>
    /// The request was settled: nothing waits in <paramref name="queue"/>, ready or unacknowledged (a request whose channel
    /// closed stays unacknowledged, then comes back), and <paramref name="errors"/> messages wait in its <c>_error</c> queue.
    /// </summary>
    public static async Task SettledAsync(string queue, int errors, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var depths = await QueueDepthsAsync(cancellationToken);
            if (depths.GetValueOrDefault(queue) == 0 && depths.GetValueOrDefault(queue + "_error") == errors)
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"{queue} should be empty and {queue}_error hold {errors}; seen: {string.Join(", ", depths.Select(d => $"{d.Key}={d.Value}"))}");
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Ready + unacknowledged messages per queue of the test vhost, as rabbitmqctl counts them.</summary>
    private static async Task<Dictionary<string, long>> QueueDepthsAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-q", "list_queues", "-p", BrokerUsers.VirtualHost, "--no-table-headers", "name", "messages_ready", "messages_unacknowledged" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmqctl did not start");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, $"rabbitmqctl list_queues failed: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
        var depths = new Dictionary<string, long>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            if (fields.Length == 3 && long.TryParse(fields[1], out var ready) && long.TryParse(fields[2], out var unacked))
                depths[fields[0]] = ready + unacked;
        }
        return depths;
    }
}
