using System.CommandLine;
using System.CommandLine.Parsing;
using Platform.Client;
using Platform.Common.Errors;

namespace Platform.Cli;

/// <summary>One command being run: its parsed values, its streams, and a client connected on first use.</summary>
internal sealed class Invocation(CliContext context, ParseResult result, CancellationToken cancellationToken) : IAsyncDisposable
{
    private PlatformClient? _client;

    public TextWriter Out => context.Stdout;

    public TextWriter Err => context.Stderr;

    public TextReader In => context.Stdin;

    public CancellationToken CancellationToken => cancellationToken;

    public ConsoleSignals Signals => context.Signals;

    /// <summary>True when the command line had <c>--</c>: what follows it is the process's, not platformctl's.</summary>
    public bool HasDoubleDash => result.Tokens.Any(t => t.Type == TokenType.DoubleDash);

    /// <summary>--namespace, else $PLATFORM_NAMESPACE, else the base options' namespace.</summary>
    public string Namespace =>
        result.GetValue(context.Globals.Namespace)
        ?? (Environment.GetEnvironmentVariable("PLATFORM_NAMESPACE") is { Length: > 0 } env ? env : context.BaseOptions.Namespace);

    public bool Json => result.GetValue(context.Globals.Output) == GlobalOptions.Json;

    public T? Get<T>(Option<T> option) => result.GetValue(option);

    public T? Get<T>(Argument<T> argument) => result.GetValue(argument);

    /// <summary>True when the option was on the command line, even with an empty value.</summary>
    public bool Has(Option option) => result.GetResult(option) is { Implicit: false };

    /// <summary>Connects on first use, so input errors are reported without waiting for the broker.</summary>
    public async Task<PlatformClient> ClientAsync() =>
        _client ??= await PlatformClient.ConnectAsync(ClientOptions(), cancellationToken);

    public PlatformClientOptions ClientOptions()
    {
        var defaults = context.BaseOptions;
        var options = new PlatformClientOptions
        {
            BusUri = defaults.BusUri,
            Namespace = Namespace,
            Timeout = defaults.Timeout,
            ConnectTimeout = defaults.ConnectTimeout,
            EndpointPrefix = defaults.EndpointPrefix,
            CaFile = result.GetValue(context.Globals.BusCa) ?? defaults.CaFile,
            ClientCertificate = defaults.ClientCertificate,
            ClientKey = defaults.ClientKey,
            ClientCertificatePassword = defaults.ClientCertificatePassword,
        };
        var bus = result.GetValue(context.Globals.Bus)
            ?? (Environment.GetEnvironmentVariable("PLATFORM_BUS") is { Length: > 0 } env ? env : null)
            ?? BusFile.Read("PLATFORM_BUS_FILE");
        if (bus is not null)
            options.BusUri = Uri.TryCreate(bus, UriKind.Absolute, out var uri)
                ? uri
                : throw PlatformException.InvalidArgument($"PLATFORM_BUS \"{bus}\" is not a URI");
        if (result.GetValue(context.Globals.Timeout) is { } seconds)
            options.Timeout = options.ConnectTimeout = TimeSpan.FromSeconds(seconds);
        return options;
    }

    /// <summary>Writes <c>error: Kind: message</c> to stderr and returns the kind's exit code.</summary>
    public async Task<int> ReportAsync(PlatformException e)
    {
        await Err.WriteLineAsync($"error: {e.Kind}: {e.Message}");
        return ExitCodes.For(e.Kind);
    }

    /// <summary>A usage error found only when running (what a validator can't see): reported as parse errors are, exit 2.</summary>
    /// <summary>
    /// Removes each named object in the order given, going on past failures (each reported on stderr): prints each
    /// removed name, or with <c>-o json</c> what was removed; returns the first failure's exit code, else 0.
    /// </summary>
    public async Task<int> RemoveEachAsync<T>(IEnumerable<string> names, Func<string, Task<T>> remove, Func<TextWriter, List<T>, Task> writeJson)
    {
        var removed = new List<T>();
        int? firstFailure = null;
        foreach (var name in names)
        {
            try
            {
                removed.Add(await remove(name));
                if (!Json)
                    await Out.WriteLineAsync(name);
            }
            catch (PlatformException e)
            {
                var code = await ReportAsync(e);
                firstFailure ??= code;
            }
        }
        // Nothing on stdout when nothing was removed, like every other failure.
        if (Json && removed.Count > 0)
            await writeJson(Out, removed);
        return firstFailure ?? ExitCodes.Ok;
    }

    public async Task<int> UsageErrorAsync(string message)
    {
        await Err.WriteLineAsync($"error: {message}");
        var path = new List<string>();
        for (var command = result.CommandResult; command is not null; command = command.Parent as CommandResult)
            path.Insert(0, command.Command is RootCommand ? "platformctl" : command.Command.Name);
        await Err.WriteLineAsync($"Run '{string.Join(' ', path)} --help' for usage.");
        return ExitCodes.Usage;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
            await _client.DisposeAsync();
    }
}
