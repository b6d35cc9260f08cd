using System.Diagnostics;
using System.Text;
using Platform.Testing;

namespace Platform.Cli.Tests;

/// <summary>
/// platformctl as a process on a real pseudo-terminal: util-linux's <c>script -qfec CMD /dev/null</c> gives the command
/// a pty of its own, copies what the test writes into the pty's input (as typing would) and the pty's output to its
/// stdout, and exits with the command's status. The CLI is the test's own build of it (platformctl.dll), run by dotnet,
/// unless PLATFORMCTL_PTY_PROGRAM names another.
/// </summary>
public sealed class PtyProgram : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _reading;

    private PtyProgram(Process process)
    {
        _process = process;
        _reading = ReadAsync();
    }

    /// <summary>
    /// Starts <paramref name="shellPrefix"/> (shell commands run on the pty first, e.g. <c>stty cols 111 rows 33;</c>)
    /// then platformctl with <paramref name="args"/> against <paramref name="fixture"/>, in <paramref name="namespace"/>.
    /// </summary>
    public static PtyProgram Start(PlatformFixture fixture, string @namespace, string shellPrefix, params string[] args)
    {
        // PLATFORMCTL_PTY_PROGRAM names another build to drive (the Native AOT one: tools/Platform.Cli/bin/publish/platformctl).
        var program = Environment.GetEnvironmentVariable("PLATFORMCTL_PTY_PROGRAM") is { Length: > 0 } native
            ? Quote(native)
            : "dotnet " + Quote(Path.Combine(AppContext.BaseDirectory, "platformctl.dll"));
        var command = $"{shellPrefix} exec {program} -n {Quote(@namespace)} {string.Join(' ', args.Select(Quote))}";
        var info = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { "-qfec", command, "/dev/null" })
            info.ArgumentList.Add(arg);
        info.Environment["PLATFORM_BUS"] = Requirements.BusUri.ToString();
        info.Environment["PLATFORM_ENDPOINT_PREFIX"] = fixture.Prefix;
        info.Environment.Remove("PLATFORM_BUS_FILE");
        info.Environment["DOTNET_NOLOGO"] = "1";
        return new PtyProgram(Process.Start(info) ?? throw new InvalidOperationException("could not start script"));
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Types <paramref name="keys"/> (bytes as they are: "\r" is Enter, "\x10" Ctrl-P).</summary>
    public async Task TypeAsync(string keys)
    {
        await _process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(keys));
        await _process.StandardInput.BaseStream.FlushAsync();
    }

    /// <summary>Waits until the output from <paramref name="from"/> on contains <paramref name="text"/>; returns where it ends.</summary>
    public async Task<int> WaitForAsync(string text, CancellationToken cancellationToken, int from = 0, TimeSpan? within = null)
    {
        var end = -1;
        await Eventually.TrueAsync(() =>
        {
            var output = Output;
            var at = from <= output.Length ? output.IndexOf(text, from, StringComparison.Ordinal) : -1;
            end = at < 0 ? -1 : at + text.Length;
            return end >= 0 || _process.HasExited;
        }, cancellationToken, within ?? TimeSpan.FromSeconds(60), because: $"'{text}' should appear; output so far:\n{Output}");
        if (end < 0)
            throw new Xunit.Sdk.XunitException($"the program exited (status {_process.ExitCode}) before '{text}' appeared:\n{Output}\n{await _process.StandardError.ReadToEndAsync()}");
        return end;
    }

    /// <summary>Waits for the program to exit; its exit status (script passes the command's on).</summary>
    public async Task<int> ExitAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"the program did not exit within a minute; output so far:\n{Output}");
        }
        await _reading;
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    private async Task ReadAsync()
    {
        var buffer = new byte[4096];
        var stream = _process.StandardOutput.BaseStream;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            lock (_output)
                _output.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
