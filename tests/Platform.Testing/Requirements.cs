using System.Net.Sockets;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// Tests that need a server never pass silently without it: under CI (<c>CI=true</c>) a missing server fails
/// the test; elsewhere the test is skipped with the reason.
/// </summary>
public static class Requirements
{
    private static bool _rabbitMqAnswered;

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static Uri BusUri => new(Environment.GetEnvironmentVariable("PLATFORM_BUS") is { Length: > 0 } env ? env : "amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>Fails (CI) or skips (elsewhere) unless RabbitMQ accepts connections.</summary>
    public static void RabbitMq()
    {
        // Once the broker answered, this process doesn't ask again: under a busy test (forty tasks churning in the same
        // process) the probe's own connect could wait on a starved thread pool past its timeout and fail a test whose
        // broker was there all along. A broker that goes away later fails the test that needs it, with its own error.
        if (Volatile.Read(ref _rabbitMqAnswered))
            return;
        var reason = Probe(BusUri.Host, BusUri.Port > 0 ? BusUri.Port : 5672);
        if (reason is null)
        {
            Volatile.Write(ref _rabbitMqAnswered, true);
            return;
        }
        var message = $"RabbitMQ is needed at {BusUri.Host}:{BusUri.Port}: {reason}. `./build.sh test` installs and starts it.";
        if (InCi)
            Assert.Fail(message);
        Assert.Skip(message);
    }

    /// <summary>
    /// Fails (CI) or skips (elsewhere) unless crun can run containers here, beside <see cref="Runtime"/>'s needs: crun
    /// installed, and on a hybrid cgroup host no controller left on the v2 hierarchy (crun refuses that; build.sh moves
    /// such controllers to v1 hierarchies of their own).
    /// </summary>
    public static void Crun()
    {
        Runtime();
        string? reason = null;
        if (!File.Exists("/usr/bin/crun"))
            reason = "crun is not installed";
        else if (File.Exists("/sys/fs/cgroup/unified/cgroup.controllers")
                 && File.ReadAllText("/sys/fs/cgroup/unified/cgroup.controllers").Trim() is { Length: > 0 } onV2)
            reason = $"this host's cgroups are hybrid with controllers on the v2 hierarchy ({onV2}), which crun refuses";
        if (reason is null)
            return;
        var message = $"crun is needed: {reason}. `./build.sh test` installs crun and moves such controllers to v1.";
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

    /// <summary>
    /// Fails (CI) or skips (elsewhere) unless real containers can run here: root, runc and conmon installed
    /// (`./build.sh test` installs them).
    /// </summary>
    public static void Runtime()
    {
        string? reason = null;
        if (!IsRoot())
            reason = "running containers needs root";
        else if (!File.Exists("/usr/sbin/runc") && !File.Exists("/usr/bin/runc"))
            reason = "runc is not installed";
        else if (!File.Exists("/usr/bin/conmon") && !File.Exists("/usr/libexec/podman/conmon"))
            reason = "conmon is not installed";
        else if (!File.Exists("/bin/busybox") && !File.Exists("/usr/bin/busybox"))
            reason = "busybox-static is not installed";
        if (reason is null)
            return;
        var message = $"Real containers are needed: {reason}. `./build.sh test` installs runc, conmon and busybox-static.";
        if (InCi)
            Assert.Fail(message);
        Assert.Skip(message);
    }

    /// <summary>
    /// Fails (CI) or skips (elsewhere) unless containerd and ctr are installed and this runs as root
    /// (`./build.sh test` installs Debian's containerd).
    /// </summary>
    public static void Containerd()
    {
        string? reason = null;
        if (!IsRoot())
            reason = "containerd needs root";
        else if (!new[] { "/usr/bin/containerd", "/usr/local/bin/containerd" }.Any(File.Exists))
            reason = "containerd is not installed";
        if (reason is null)
            return;
        var message = $"containerd is needed: {reason}. `./build.sh test` installs it (apt-get install -y containerd).";
        if (InCi)
            Assert.Fail(message);
        Assert.Skip(message);
    }

    /// <summary>Fails (CI) or skips (elsewhere) unless this runs as root, which <paramref name="why"/> needs.</summary>
    public static void Root(string why)
    {
        if (IsRoot())
            return;
        var message = $"This needs root: {why}.";
        if (InCi)
            Assert.Fail(message);
        Assert.Skip(message);
    }

    private static bool IsRoot()
    {
        try
        {
            return File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string? Probe(string host, int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(host, port).Wait(TimeSpan.FromSeconds(10)) ? null : "no answer within 10 s";
        }
        catch (Exception e)
        {
            return e.GetBaseException().Message;
        }
    }
}
