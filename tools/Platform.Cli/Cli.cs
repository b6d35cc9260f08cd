using System.CommandLine;
using System.CommandLine.Invocation;
using Platform.Cli.Commands.Admin;
using Platform.Cli.Commands.Containers;
using Platform.Cli.Commands.Content;
using Platform.Cli.Commands.Df;
using Platform.Cli.Commands.Events;
using Platform.Cli.Commands.Gc;
using Platform.Cli.Commands.Images;
using Platform.Cli.Commands.Leases;
using Platform.Cli.Commands.Networks;
using Platform.Cli.Commands.Volumes;
using Platform.Cli.Commands.Run;
using Platform.Cli.Commands.Snapshots;
using Platform.Cli.Commands.Tasks;
using Platform.Client;

namespace Platform.Cli;

/// <summary>platformctl, runnable in-process: the streams and the client's base options come from the caller.</summary>
public static class Cli
{
    /// <param name="baseOptions">Defaults for the client (e.g. a test fixture's queue prefix); <c>--bus</c>,
    /// <c>PLATFORM_BUS</c>, <c>--timeout</c> and <c>--namespace</c> override them.</param>
    /// <param name="ct">Cancelled on Ctrl-C: <c>events</c> then ends with 0, any other command with 130.</param>
    /// <param name="signals">Ctrl-C and SIGTERM for <c>run</c> to pass on to its task; none when null.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin,
        PlatformClientOptions? baseOptions = null, CancellationToken ct = default, ConsoleSignals? signals = null)
    {
        var context = new CliContext(stdout, stderr, stdin, baseOptions ?? new PlatformClientOptions(), new GlobalOptions(),
            signals ?? new ConsoleSignals());
        var parsed = BuildRoot(context).Parse(Commands.Run.RunArguments.Normalize(args));
        if (parsed.Action is ParseErrorAction)
            return await ReportUsageErrorsAsync(parsed, stderr);

        // Ctrl-C is the caller's to turn into ct, so the in-process runs of tests never hook the console.
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null };
        return await parsed.InvokeAsync(invocation, ct);
    }

    private static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand($"""
            platformctl manages Platform containers, tasks, images, content, snapshots and leases, runs containers, collects garbage and watches events over RabbitMQ.

            {ExitCodes.Table}
            """);
        context.Globals.AddTo(root);
        root.Subcommands.Add(ContainersCommand.Create(context));
        root.Subcommands.Add(TasksCommand.Create(context));
        root.Subcommands.Add(RunCommand.Create(context));
        root.Subcommands.Add(Commands.Run.CreateCommand.Create(context));
        root.Subcommands.Add(Commands.Stats.StatsCommand.Create(context));
        root.Subcommands.Add(Commands.Cp.CpCommand.Create(context));
        root.Subcommands.Add(Commands.Port.PortCommand.Create(context));
        root.Subcommands.Add(ImagesCommand.Create(context));
        root.Subcommands.Add(ContentCommand.Create(context));
        root.Subcommands.Add(SnapshotsCommand.Create(context));
        root.Subcommands.Add(LeasesCommand.Create(context));
        root.Subcommands.Add(VolumesCommand.Create(context));
        root.Subcommands.Add(NetworksCommand.Create(context));
        root.Subcommands.Add(GcCommand.Create(context));
        root.Subcommands.Add(DfCommand.Create(context));
        root.Subcommands.Add(EventsCommand.Create(context));
        root.Subcommands.Add(AdminCommand.Create(context));
        return root;
    }

    /// <summary>Errors only, on stderr: the help text would bury them and pollute stdout for scripts.</summary>
    private static async Task<int> ReportUsageErrorsAsync(ParseResult parsed, TextWriter stderr)
    {
        foreach (var error in parsed.Errors)
            await stderr.WriteLineAsync($"error: {error.Message}");
        var path = new List<string>();
        for (var command = parsed.CommandResult; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
            path.Insert(0, command.Command is RootCommand ? "platformctl" : command.Command.Name);
        await stderr.WriteLineAsync($"Run '{string.Join(' ', path)} --help' for usage.");
        return ExitCodes.Usage;
    }
}
