using Platform.Cli.Commands.Tasks;
using Platform.Cli.Terminal;
using Platform.Client;

namespace Platform.Cli.Commands.Run;

/// <summary>
/// <c>run -i</c>/<c>-t</c> once the task is created: attach (the runner takes hold of the process's stdin), set the
/// terminal's size, start, pass stdin on and print the output until the process exits (its status is the exit code)
/// or the user detaches with Ctrl-P Ctrl-Q (null: the task runs on).
/// </summary>
internal static class AttachedRun
{
    public static async Task<int?> RunAsync(Invocation run, PlatformClient client, string id, StdioRequest stdio, CancellationToken ct)
    {
        await using (new SignalForwarder(run, client, id))
        {
            var attach = await client.Tasks.AttachAsync(id, null, run.Namespace, ct);
            var session = new TerminalSession(run, client, id, null);
            var outcome = await session.RunAsync(attach, stdio.Stdin, stdio.Terminal ? DetachKeys.Parse(null) : null, 0,
                () => client.Tasks.StartAsync(id, run.Namespace, ct), ct);
            if (outcome == TerminalSession.Outcome.Detached)
                return null;
            var exit = await client.Tasks.WaitAsync(id, null, run.Namespace, ct);
            return await ProcessOutput.ExitCodeAsync(run, exit);
        }
    }
}
