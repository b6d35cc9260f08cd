using System.Diagnostics;
using System.Runtime.Versioning;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// A network namespace the tests make for themselves (<c>ip netns add ptest-…</c>, loopback up): the runner's CNI
/// plugins run in it (TaskRunner:Networks:HostNamespace), so bridges, veths and iptables rules are made there and never
/// on the machine's own interfaces; the tests reach containers from inside it. Deleted on dispose.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class TestNetns : IDisposable
{
    public TestNetns()
    {
        Name = "ptest-" + Guid.NewGuid().ToString("N")[..8];
        Run("ip", "netns", "add", Name).EnsureSuccess();
        Exec("ip", "link", "set", "lo", "up").EnsureSuccess();
    }

    public string Name { get; }

    public string Path => $"/run/netns/{Name}";

    /// <summary>Runs a command inside the namespace.</summary>
    public Result Exec(params string[] args) => Run(["ip", "netns", "exec", Name, .. args]);

    /// <summary>
    /// The body of <c>GET /</c> from <c>http://{address}:{port}/</c> sent from inside the namespace, or "" when nothing
    /// answers. Through busybox nc: Debian's busybox-static 1.35 wget segfaults on this machine.
    /// </summary>
    public string HttpGet(string address, int port) =>
        Exec("sh", "-c", $"busybox printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 2 {address} {port}") is { ExitCode: 0 } result ? result.Stdout : "";

    /// <summary>The namespace's iptables rules and chains (iptables-save without counters and comments), sorted.</summary>
    public IReadOnlyList<string> IptablesRules() =>
        [.. Exec("iptables-save").Stdout.Split('\n').Where(l => l.Length > 0 && l[0] is not ('#' or '*') && l != "COMMIT")
            .Select(l => l.StartsWith(':') ? l[..l.IndexOf(' ')] : l).Order(StringComparer.Ordinal)];

    /// <summary>The veth interfaces in the namespace (the host ends of containers' interfaces).</summary>
    public IReadOnlyList<string> Veths() =>
        Exec("ip", "-o", "link", "show", "type", "veth").EnsureSuccess().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public void Dispose() => Run("ip", "netns", "delete", Name);

    public static Result Run(params string[] args)
    {
        var start = new ProcessStartInfo(args[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args[1..])
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new Result(string.Join(' ', args), process.ExitCode, stdout, stderr.Result);
    }

    public sealed record Result(string Command, int ExitCode, string Stdout, string Stderr)
    {
        public Result EnsureSuccess() =>
            ExitCode == 0 ? this : throw new InvalidOperationException($"{Command} failed ({ExitCode}): {Stderr.Trim()} {Stdout.Trim()}");
    }
}
