using System.CommandLine;
using Platform.Cli.Commands.Tasks;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Contracts;

namespace Platform.Cli.Commands.Run;

/// <summary>
/// <c>run</c>: container, task and output in one go, as <c>ctr run</c> / <c>docker run</c>: creates the container
/// (on a fresh active snapshot of a committed one, or on a folder), creates and starts its task, prints its output
/// live and exits with its exit status.
/// </summary>
internal static class RunCommand
{
    /// <summary>How long --rm retries a removal the runner refuses while it is still deleting the task.</summary>
    public static readonly TimeSpan RemoveRetry = TimeSpan.FromSeconds(10);

    public static Command Create(CliContext context)
    {
        var container = new ContainerFlags();
        var detach = new Option<bool>("--detach", "-d") { Description = "Start the task, print the container id and return without waiting" };
        var command = new Command("run", """
            Create a container and its task, start it, print its output and exit with its exit status (255 when unknown).
            docker's form: run [OPTIONS] IMAGE [COMMAND] [ARG...] runs an image (loaded or pulled) with its Entrypoint, Cmd,
            Env, WorkingDir and User. The older form run --snapshot NAME|--rootfs DIR [OPTIONS] ID -- CMD [ARG...] still works.
            """);
        container.AddTo(command);
        command.Options.Add(detach);
        context.SetAction(command, async run =>
        {
            if (container.Legacy(run) && (container.Args(run).Length == 0 || !run.HasDoubleDash))
                return await run.UsageErrorAsync("run needs the command to run after '--', e.g. platformctl run --rootfs DIR ID -- sh -c 'echo hi'");
            var request = container.Read(run);
            var client = await run.ClientAsync();
            return await RunAsync(run, client, request, run.Get(detach));
        });
        return command;
    }

    private static async Task<int> RunAsync(Invocation run, PlatformClient client, RunRequest request, bool detach)
    {
        var ct = run.CancellationToken;
        await RunContainers.CreateAsync(run, client, request);
        try
        {
            await client.Tasks.CreateAsync(request.Id, run.Namespace, ct);
            if (detach)
            {
                await client.Tasks.StartAsync(request.Id, run.Namespace, ct);
                await run.Out.WriteLineAsync(request.Id);
                return ExitCodes.Ok;
            }

            int code;
            if (request.Stdio.Attached)
            {
                // Detached with Ctrl-P Ctrl-Q: the task runs on, so neither it nor the container goes.
                if (await AttachedRun.RunAsync(run, client, request.Id, request.Stdio, ct) is not { } attachedCode)
                    return ExitCodes.Ok;
                code = attachedCode;
            }
            else
            await using (new SignalForwarder(run, client, request.Id))
            {
                // Following before starting: the log is read from its start anyway, and nothing written early is missed.
                using var stopFollowing = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var following = ProcessOutput.CopyAsync(run, client, request.Id, null, follow: true, stopFollowing.Token);
                try
                {
                    await client.Tasks.StartAsync(request.Id, run.Namespace, ct);
                    }
                catch
                {
                    await stopFollowing.CancelAsync();
                    await following.ContinueWith(_ => { }, TaskScheduler.Default);
                    throw;
                }
                await following;
                var exit = await client.Tasks.WaitAsync(request.Id, null, run.Namespace, ct);
                code = await ProcessOutput.ExitCodeAsync(run, exit);
            }

            // As ctr run does: the exited task goes, the container stays (unless --rm) and can be run again.
            await DeleteTaskAsync(client, request.Id, run.Namespace);
            if (request.Remove)
                await RemoveContainerAsync(run, client, request.Id, force: false);
            return code;
        }
        catch (Exception) when (request.Remove)
        {
            // A run that failed or was interrupted half-way leaves nothing behind when --rm asked for nothing to stay.
            await RemoveContainerAsync(run, client, request.Id, force: true);
            throw;
        }
    }

    private static async Task DeleteTaskAsync(PlatformClient client, string id, string @namespace)
    {
        try
        {
            await client.Tasks.DeleteAsync(id, force: false, @namespace, CancellationToken.None);
        }
        catch (PlatformException)
        {
            // Already gone (the runner cleans up stopped tasks) or still being cleaned up: removing the container copes.
        }
    }

    /// <summary>Removes the container; refusals while the runner is still deleting the task are retried for a while.</summary>
    private static async Task RemoveContainerAsync(Invocation run, PlatformClient client, string id, bool force)
    {
        var deadline = DateTime.UtcNow + RemoveRetry;
        while (true)
        {
            try
            {
                await client.Containers.DeleteAsync(id, force, @namespace: run.Namespace, cancellationToken: CancellationToken.None);
                return;
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.FailedPrecondition && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
            catch (PlatformException e) when (e.Kind == ErrorKind.NotFound)
            {
                return;
            }
            catch (PlatformException e)
            {
                await run.Err.WriteLineAsync($"warning: container {id} was not removed: {e.Kind}: {e.Message}");
                return;
            }
        }
    }
}
