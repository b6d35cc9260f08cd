using Platform.Client;
using Platform.Testing;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>What one run of platformctl left behind.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>
/// Runs platformctl in-process against a fixture's service, always in one namespace of its own so tests never see
/// each other's containers.
/// </summary>
public sealed class PlatformCtl
{
    private readonly PlatformClientOptions? _options;

    /// <summary>Global options given before every command (a user's own --bus, which wins over PLATFORM_BUS).</summary>
    private readonly string[] _globals;

    private PlatformCtl(PlatformClientOptions? options, string @namespace, params string[] globals)
    {
        _options = options;
        Namespace = @namespace;
        _globals = globals;
    }

    public string Namespace { get; }

    /// <summary>Skips (or fails under CI) the test when the broker is not there.</summary>
    public static PlatformCtl For(PlatformFixture fixture)
    {
        Requirements.RabbitMq();
        return new PlatformCtl(fixture.ClientOptions, "cli-" + Guid.NewGuid().ToString("N")[..8]);
    }

    /// <summary>platformctl as another broker user (<paramref name="busUri"/> carries its credentials), in <paramref name="namespace"/>.</summary>
    public static PlatformCtl As(PlatformFixture fixture, Uri busUri, string @namespace) =>
        new(fixture.ClientOptions, @namespace, "--bus", busUri.ToString());

    /// <summary>Prepares active overlayfs snapshots in this namespace, for containers that name them.</summary>
    public async Task PrepareSnapshotsAsync(PlatformFixture fixture, params string[] keys)
    {
        foreach (var key in keys)
            await fixture.Client.Snapshots.PrepareAsync(new Platform.Contracts.Resources.PrepareSnapshot { Namespace = Namespace, Snapshotter = "overlayfs", Key = key });
    }

    /// <summary>For runs that must fail before reaching any broker.</summary>
    public static PlatformCtl WithoutPlatform() => new(null, "cli-" + Guid.NewGuid().ToString("N")[..8]);

    public Task<CliResult> RunAsync(params string[] args) => RunWithStdinAsync("", args);

    public async Task<CliResult> RunWithStdinAsync(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Cli.RunAsync(WithNamespace(args), stdout, stderr, new StringReader(stdin), _options,
            TestContext.Current.CancellationToken);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Starts a run that lasts until <paramref name="stop"/> is cancelled, writing to thread-safe outputs.</summary>
    public Task<int> Start(SharedOutput stdout, SharedOutput stderr, CancellationToken stop, params string[] args) =>
        StartWithSignals(stdout, stderr, null, stop, args);

    /// <summary>As <see cref="Start"/>, with <paramref name="signals"/> standing for the Ctrl-C and SIGTERM platformctl would receive.</summary>
    public Task<int> StartWithSignals(SharedOutput stdout, SharedOutput stderr, ConsoleSignals? signals, CancellationToken stop, params string[] args) =>
        Task.Run(() => Cli.RunAsync(WithNamespace(args), stdout.Writer, stderr.Writer, TextReader.Null, _options, stop, signals), stop);

    /// <summary>The namespace goes first: after <c>--</c>, or after <c>run</c>'s image, everything is the container process's command line.</summary>
    private string[] WithNamespace(string[] args) => ["-n", Namespace, .. _globals, .. args];
}

/// <summary>A writer the CLI writes to from one thread while the test reads it from another.</summary>
public sealed class SharedOutput
{
    private readonly StringWriter _text = new();

    public SharedOutput() => Writer = TextWriter.Synchronized(_text);

    /// <summary>Every member locks the writer itself, so reading under the same lock sees whole writes only.</summary>
    public TextWriter Writer { get; }

    public override string ToString()
    {
        lock (Writer)
            return _text.ToString();
    }
}
