using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Common.Networks;
using Platform.TaskRunner.Runtime;

namespace Platform.TaskRunner.Networks.Cni;

/// <summary>
/// The host side of published ports: a host port is refused before the task starts when another task of the node
/// publishes it (its attachment record says so) or a socket of the host's network namespace (the plugins' one,
/// <see cref="NetworkOptions.HostNamespace"/>) listens on it; <c>-p CTR</c> gets a free port from docker's range.
/// Choices are made under one lock held until the task's attachment record (with its ports) is written, so two tasks
/// attaching at once never get the same port.
/// </summary>
public sealed class HostPorts(AttachmentCache cache, IOptions<NetworkOptions> options)
{
    /// <summary>Where free host ports come from (docker's default ephemeral range).</summary>
    public const int FirstFree = 49153, LastFree = 65535;

    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        return new Releaser(_lock);
    }

    /// <summary>The mappings with their host ports; FailedPrecondition naming the port and who has it. Call under <see cref="LockAsync"/>.</summary>
    public async Task<IReadOnlyList<PortMapping>> ChooseAsync(TaskHandle task, IReadOnlyList<PortMapping> wanted, CancellationToken cancellationToken)
    {
        if (wanted.Count == 0)
            return [];
        var published = cache.List()
            .Where(t => t != (task.Namespace, task.ContainerId))
            .Select(t => cache.Read(t.Namespace, t.ContainerId))
            .OfType<AttachmentRecord>()
            .SelectMany(a => a.Ports.Select(p => (Port: p, Owner: $"{a.Namespace}/{a.ContainerId}")))
            .ToList();
        var listening = await ListeningAsync(cancellationToken);
        var chosen = new List<PortMapping>();
        foreach (var want in wanted)
        {
            if (want.HostPort != 0)
            {
                if (published.Concat(chosen.Select(c => (Port: c, Owner: "this task"))).FirstOrDefault(p => Clash(p.Port, want)) is { Owner: { } owner })
                    throw PlatformException.FailedPrecondition($"host port {want.HostPort}/{want.Protocol} is already published by {owner}");
                if (listening.Contains((want.Protocol, want.HostPort)))
                    throw PlatformException.FailedPrecondition($"host port {want.HostPort}/{want.Protocol} is in use on the host");
                chosen.Add(want);
                continue;
            }
            var free = Enumerable.Range(FirstFree, LastFree - FirstFree + 1).Cast<int?>().FirstOrDefault(port =>
                !listening.Contains((want.Protocol, port!.Value))
                && !published.Any(p => Clash(p.Port, want with { HostPort = port.Value }))
                && !chosen.Any(c => Clash(c, want with { HostPort = port.Value })))
                ?? throw PlatformException.ResourceExhausted($"no free host port for {want.ContainerPort}/{want.Protocol} in {FirstFree}-{LastFree}");
            chosen.Add(want with { HostPort = free });
        }
        return chosen;
    }

    /// <summary>CNI's <c>portMappings</c> runtime configuration (portmap's input).</summary>
    public static JsonArray ToCni(IReadOnlyList<PortMapping> ports)
    {
        var array = new JsonArray();
        foreach (var p in ports)
        {
            var entry = new JsonObject { ["hostPort"] = p.HostPort, ["containerPort"] = p.ContainerPort, ["protocol"] = p.Protocol };
            if (p.HostIp is not null)
                entry["hostIP"] = p.HostIp;
            array.Add((JsonNode)entry);
        }
        return array;
    }

    // Same protocol and port, and addresses that meet (no address is every address).
    private static bool Clash(PortMapping a, PortMapping b) =>
        a.Protocol == b.Protocol && a.HostPort == b.HostPort && (a.HostIp is null || b.HostIp is null || a.HostIp == b.HostIp);

    /// <summary>(protocol, port) of listening TCP and bound UDP sockets in the host side's network namespace.</summary>
    private async Task<HashSet<(string, int)>> ListeningAsync(CancellationToken cancellationToken)
    {
        string[] files = ["/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6"];
        var sockets = new HashSet<(string, int)>();
        foreach (var file in files)
        {
            var protocol = file.Contains("tcp", StringComparison.Ordinal) ? "tcp" : "udp";
            foreach (var line in (await ReadAsync(file, cancellationToken)).Split('\n').Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4)
                    continue;
                var colon = fields[1].LastIndexOf(':');
                if (colon < 0)
                    continue;
                // TCP: LISTEN (0A) only; UDP: any bound socket.
                if (protocol == "tcp" && fields[3] != "0A")
                    continue;
                if (int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port))
                    sockets.Add((protocol, port));
            }
        }
        return sockets;
    }

    private async Task<string> ReadAsync(string file, CancellationToken cancellationToken)
    {
        var hostNs = options.Value.HostNamespace;
        if (string.IsNullOrEmpty(hostNs))
            return File.Exists(file) ? await File.ReadAllTextAsync(file, cancellationToken) : "";
        // /proc/net is the reading process's namespace: read it from inside the plugins' one.
        using var process = Process.Start(options.Value.HostSide("cat", file)) ?? throw PlatformException.Internal("could not start nsenter");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0 ? output : "";
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
