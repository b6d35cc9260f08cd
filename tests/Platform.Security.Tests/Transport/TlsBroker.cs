using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Security.Tests.Transport;

/// <summary>
/// A RabbitMQ node of the test's own with TLS listeners on 127.0.0.1 only (no plain AMQP listener, no management), its
/// database and logs in the test's folder, stopped and removed on dispose. The shared broker is never touched: other
/// tests run on it. <see cref="BusUri"/> asks for a client certificate and checks one that is offered (verify_peer);
/// <see cref="StrictBusUri"/>, a second listener added once the node runs, refuses a client without one
/// (fail_if_no_peer_cert). Both present a certificate the test's CA signed.
/// </summary>
internal sealed class TlsBroker : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(4);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _folder;

    private TlsBroker(string node, string folder, int port, int strictPort, Process process)
    {
        Node = node;
        _folder = folder;
        Port = port;
        StrictPort = strictPort;
        _process = process;
    }

    public string Node { get; }

    public int Port { get; }

    public int StrictPort { get; }

    /// <summary>guest on vhost "/" over TLS, a client certificate optional.</summary>
    public Uri BusUri => new($"amqps://guest:guest@127.0.0.1:{Port}/");

    /// <summary>guest on vhost "/" over TLS, a client certificate required.</summary>
    public Uri StrictBusUri => new($"amqps://guest:guest@127.0.0.1:{StrictPort}/");

    /// <summary>Starts the node (this takes tens of seconds on a busy machine) and waits until its TLS listener accepts connections.</summary>
    public static async Task<TlsBroker> StartAsync(TestPki pki, string folder)
    {
        var node = $"platform-tls-{Guid.NewGuid():N}"[..21];
        var ports = FreePorts(3);
        Directory.CreateDirectory(Path.Combine(folder, "mnesia"));
        Directory.CreateDirectory(Path.Combine(folder, "log"));
        var config = Path.Combine(folder, "rabbitmq.conf");
        await File.WriteAllTextAsync(config, $"""
            listeners.tcp = none
            listeners.ssl.1 = 127.0.0.1:{ports[0]}
            ssl_options.cacertfile = {pki.CaFile}
            ssl_options.certfile = {pki.ServerCertificate}
            ssl_options.keyfile = {pki.ServerKey}
            ssl_options.verify = verify_peer
            ssl_options.fail_if_no_peer_cert = false

            """);
        var plugins = Path.Combine(folder, "enabled_plugins");
        await File.WriteAllTextAsync(plugins, "[].\n");
        // The wrappers run the node as the rabbitmq user: it must read the certificates and own its folders.
        await Tool.RunAsync("chown", ["-R", "rabbitmq:rabbitmq", folder, pki.Folder], TimeSpan.FromSeconds(30));

        var start = new ProcessStartInfo("/usr/sbin/rabbitmq-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["RABBITMQ_NODENAME"] = node;
        start.Environment["RABBITMQ_DIST_PORT"] = ports[2].ToString();
        start.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia");
        start.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log");
        start.Environment["RABBITMQ_CONFIG_FILE"] = config;
        start.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins;
        // Erlang distribution on the loopback address too, not on every interface.
        start.Environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
        var process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start");
        var broker = new TlsBroker(node, folder, ports[0], ports[1], process);
        process.OutputDataReceived += (_, e) => broker.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => broker.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await broker.WaitUntilListeningAsync();
            await broker.AddStrictListenerAsync(pki);
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
        return broker;
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"RabbitMQ node {Node} exited with {_process.ExitCode} while starting:\n{Diagnostics()}");
            using (var client = new TcpClient())
            {
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, Port);
                    return;
                }
                catch (SocketException)
                {
                }
            }
            if (deadline.Elapsed > StartDeadline)
                throw new TimeoutException($"RabbitMQ node {Node} did not listen on 127.0.0.1:{Port} within {StartDeadline.TotalSeconds:0} s:\n{Diagnostics()}");
            await Task.Delay(250);
        }
    }

    private async Task AddStrictListenerAsync(TestPki pki)
    {
        var options = $"[{{cacertfile, \"{pki.CaFile}\"}}, {{certfile, \"{pki.ServerCertificate}\"}}, {{keyfile, \"{pki.ServerKey}\"}}, " +
            "{verify, verify_peer}, {fail_if_no_peer_cert, true}]";
        var result = await RabbitMqCtlAsync("eval", $"rabbit_networking:start_ssl_listener({{\"127.0.0.1\", {StrictPort}}}, {options}, 1).");
        if (!result.Contains("ok", StringComparison.Ordinal))
            throw new InvalidOperationException($"could not add the strict TLS listener on 127.0.0.1:{StrictPort}: {result}");
    }

    private Task<string> RabbitMqCtlAsync(params string[] args) =>
        Tool.RunAsync("/usr/sbin/rabbitmqctl", ["-n", Node, .. args], TimeSpan.FromSeconds(90));

    private string Diagnostics()
    {
        string output;
        lock (_output)
            output = _output.ToString();
        var log = Directory.Exists(Path.Combine(_folder, "log"))
            ? string.Join("\n", Directory.GetFiles(Path.Combine(_folder, "log"), "*.log").Select(f => string.Join("\n", File.ReadLines(f).TakeLast(30))))
            : "";
        return $"{output}\n{log}";
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        foreach (var listener in listeners)
            listener.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var listener in listeners)
            listener.Stop();
        return ports;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await Tool.RunAsync("/usr/sbin/rabbitmqctl", ["-n", Node, "shutdown"], TimeSpan.FromSeconds(90), check: false);
            }
            catch (TimeoutException)
            {
            }
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
