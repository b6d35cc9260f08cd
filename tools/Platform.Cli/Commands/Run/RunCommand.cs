using System.CommandLine;
using Platform.Cli.Commands.Tasks;
using Platform.Cli.Input;
using Platform.Client;
using Platform.Client.Images;
using Platform.Client.Oci;
using Platform.Common.Errors;
using Platform.Common.Health;
using Platform.Common.Restarts;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Run;

/// <summary>
/// <c>run</c>: container, task and output in one go, as <c>ctr run</c> / <c>docker run</c>: creates the container
/// (on a fresh active snapshot of a committed one, or on a folder), creates and starts its task, prints its output
/// live and exits with its exit status.
/// </summary>
internal static class RunCommand
{
    /// <summary>How long the lease that protects the prepared snapshot until the container holds it lasts, should platformctl die.</summary>
    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromHours(1);

    /// <summary>How long --rm retries a removal the runner refuses while it is still deleting the task.</summary>
    public static readonly TimeSpan RemoveRetry = TimeSpan.FromSeconds(10);

    public const string DefaultRuntime = "runc";

    public static Command Create(CliContext context)
    {
        var target = new Argument<string>("image")
        {
            Description = "The image to run (docker's form); with --snapshot or --rootfs, the container id instead",
            HelpName = "IMAGE|ID",
        };
        var processArgs = new Argument<string[]>("command")
        {
            Description = "The command and its arguments: after the image (replacing its Cmd), or after '--' with --snapshot/--rootfs",
            HelpName = "COMMAND ARGS",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var name = new Option<string>("--name") { Description = "Container id [default: generated, printed with -d]", HelpName = "ID" };
        var remove = new Option<bool>("--rm") { Description = "Remove the container (and so its snapshot) once the task has exited, also when detached" };
        var detach = new Option<bool>("--detach", "-d") { Description = "Start the task, print the container id and return without waiting" };
        var labels = new Option<string[]>("--label") { Description = "Container label to set; repeatable", HelpName = "KEY=VALUE" };
        var snapshot = new Option<string>("--snapshot") { Description = "Committed snapshot to run on: an active snapshot <ID>-rootfs is prepared from it", HelpName = "NAME" };
        var rootfs = new Option<string>("--rootfs") { Description = "Folder to run on as the root filesystem, used in place", HelpName = "DIR" };
        var snapshotter = new Option<string>("--snapshotter") { Description = "Snapshotter of the image or of --snapshot [default: the service's]", HelpName = "NAME" };
        var runtime = new Option<string>("--runtime")
        {
            Description = "Runtime name",
            HelpName = "NAME",
            DefaultValueFactory = _ => DefaultRuntime,
        };
        var env = new Option<string[]>("--env", "-e") { Description = "Environment variable over the image's (and PATH); repeatable", HelpName = "KEY=VALUE" };
        var cwd = new Option<string>("--workdir", "-w", "--cwd") { Description = "Working directory inside the container [default: the image's, else /]", HelpName = "DIR" };
        var user = new Option<string>("--user", "-u") { Description = "User to run as: name, uid, uid:gid or name:group [default: the image's, else root]", HelpName = "USER" };
        var entrypoint = new Option<string>("--entrypoint") { Description = "Replace the image's Entrypoint (and its Cmd); \"\" clears it", HelpName = "CMD" };
        var limits = new ResourceFlags();
        var restart = new RestartFlags();

        var mounts = new MountFlags();
        var health = new HealthFlags();
        var stdio = new StdioFlags();
        var command = new Command("run", """
            Create a container and its task, start it, print its output and exit with its exit status (255 when unknown).
            docker's form: run [OPTIONS] IMAGE [COMMAND] [ARG...] runs an image (loaded or pulled) with its Entrypoint, Cmd,
            Env, WorkingDir and User. The older form run --snapshot NAME|--rootfs DIR [OPTIONS] ID -- CMD [ARG...] still works.
            """)
        {
            target, processArgs, name, remove, detach, labels, snapshot, rootfs, snapshotter, runtime, env, cwd, user, entrypoint,
        };
        limits.AddTo(command);
        restart.AddTo(command, remove);
        stdio.AddTo(command);
        foreach (var option in mounts.Options.Concat(health.Options))
            command.Options.Add(option);
        command.Validators.Add(result =>
        {
            bool Given(Option option) => result.GetResult(option) is { Implicit: false };
            if (Given(snapshot) && Given(rootfs))
                result.AddError("--snapshot and --rootfs cannot be used together: give one root filesystem");
            if (Given(snapshot) || Given(rootfs))
            {
                if (Given(name))
                    result.AddError("--name applies to the image form; with --snapshot or --rootfs the id is the first argument");
                if (Given(user) || Given(entrypoint))
                    result.AddError("--user and --entrypoint apply to the image form (run IMAGE ...)");
            }
            if (Given(snapshotter) && Given(rootfs))
                result.AddError("--snapshotter applies to images and --snapshot only");
        });
        context.SetAction(command, async run =>
        {
            var args = run.Get(processArgs) ?? [];
            var legacy = run.Get(snapshot) is not null || run.Get(rootfs) is not null;
            if (legacy && (args.Length == 0 || !run.HasDoubleDash))
                return await run.UsageErrorAsync("run needs the command to run after '--', e.g. platformctl run --rootfs DIR ID -- sh -c 'echo hi'");
            var image = legacy ? null : run.Get(target)!;
            var request = new Request(
                legacy ? run.Get(target)! : run.Get(name) ?? GeneratedId(),
                args,
                WithAutoRemove(restart.AddLabel(run, KeyValues.Parse(run.Get(labels), "--label")), run.Get(remove)),
                ProcessSpec.ParseEnv(run.Get(env), "--env"),
                run.Get(cwd),
                run.Get(snapshot),
                run.Get(rootfs) is { } folder ? RootfsFolder(folder) : null,
                run.Get(snapshotter),
                run.Get(runtime) ?? DefaultRuntime,
                run.Get(remove),
                run.Get(detach),
                image,
                run.Get(user),
                run.Get(entrypoint) is { } e ? (e.Length == 0 ? [] : [e]) : null)
            {
                Limits = limits.Read(run),
                Mounts = mounts.Mounts(run), ReadOnlyRoot = mounts.ReadOnlyRoot(run), Health = health.Read(run),
                Stdio = stdio.Read(run),
            };
            var client = await run.ClientAsync();
            return await RunAsync(run, client, request);
        });
        return command;
    }

    private sealed record Request(string Id, string[] Args, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Env, string? Cwd,
        string? Snapshot, string? Rootfs, string? Snapshotter, string Runtime, bool Remove, bool Detach,
        string? Image, string? User, IReadOnlyList<string>? Entrypoint)
    {
        public ResourceLimits? Limits { get; init; }

        public IReadOnlyList<MountRequest> Mounts { get; init; } = [];

        public bool ReadOnlyRoot { get; init; }

        public HealthOverrides? Health { get; init; }

        public StdioRequest Stdio { get; init; } = StdioRequest.None;
    }

    /// <summary>--rm is kept on the container, so the metadata service removes it after its task even when no one waits.</summary>
    private static IReadOnlyDictionary<string, string> WithAutoRemove(IReadOnlyDictionary<string, string> labels, bool remove) =>
        remove ? new Dictionary<string, string>(labels) { [AutoRemove.Label] = "true" } : labels;

    /// <summary>A container id when --name is absent: 12 hex digits, as docker's short ids look.</summary>
    private static string GeneratedId() => Guid.NewGuid().ToString("N")[..12];

    private static string RootfsFolder(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
            throw PlatformException.InvalidArgument($"--rootfs folder \"{folder}\" does not exist");
        return full;
    }

    private static async Task<int> RunAsync(Invocation run, PlatformClient client, Request request)
    {
        var ct = run.CancellationToken;
        await CreateContainerAsync(run, client, request);
        try
        {
            await client.Tasks.CreateAsync(request.Id, run.Namespace, ct);
            if (request.Detach)
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

    /// <summary>
    /// With --snapshot: a lease protects the new active snapshot until the container references it, and then goes,
    /// so a failure (or a crash of platformctl) leaves the snapshot to the collector. With --rootfs: the folder itself.
    /// </summary>
    private static async Task CreateContainerAsync(Invocation run, PlatformClient client, Request request)
    {
        var ct = run.CancellationToken;
        if (request.Image is not null)
        {
            await new ImageContainers(client).CreateAsync(new ContainerFromImage
            {
                Namespace = run.Namespace, Id = request.Id, Image = request.Image, Args = request.Args, Entrypoint = request.Entrypoint,
                Env = request.Env, WorkingDir = request.Cwd, User = request.User, Runtime = request.Runtime, Snapshotter = request.Snapshotter,
                Labels = request.Labels, Limits = request.Limits, Mounts = request.Mounts, ReadOnlyRoot = request.ReadOnlyRoot, Health = request.Health,
                Terminal = request.Stdio.Terminal, OpenStdin = request.Stdio.Stdin,
            }, ct);
            return;
        }
        var spec = await new ContainerMounts(client).SpecAsync(DefaultSpec.Build(new DefaultSpecOptions
        {
            Args = request.Args,
            Env = request.Env,
            Cwd = request.Cwd,
            RootPath = request.Rootfs ?? "rootfs",
            Hostname = request.Id,
            Limits = request.Limits,
            Terminal = request.Stdio.Terminal,
            OpenStdin = request.Stdio.Stdin,
        }), request.Mounts, request.ReadOnlyRoot, run.Namespace, ct);
        var container = new CreateContainer
        {
            Namespace = run.Namespace,
            Id = request.Id,
            Runtime = new RuntimeInfo { Name = request.Runtime },
            Labels = HealthOverrides.ApplyTo(request.Health, null, request.Labels),
            Spec = spec,
        };
        if (request.Snapshot is null)
        {
            await client.Containers.CreateAsync(container, ct);
            return;
        }

        var lease = await client.Leases.CreateAsync(new CreateLease
        {
            Namespace = run.Namespace,
            Labels = new Dictionary<string, string> { ["platformctl/run"] = request.Id },
            ExpiresAt = DateTimeOffset.UtcNow + LeaseLifetime,
        }, ct);
        try
        {
            var prepared = await client.Snapshots.PrepareAsync(new PrepareSnapshot
            {
                Namespace = run.Namespace,
                Snapshotter = request.Snapshotter,
                Key = request.Id + "-rootfs",
                Parent = request.Snapshot,
                LeaseId = lease.Id,
            }, ct);
            await client.Containers.CreateAsync(container with
            {
                Image = request.Snapshot,
                Snapshotter = prepared.Snapshot.Snapshotter,
                SnapshotKey = prepared.Snapshot.Key,
            }, ct);
        }
        finally
        {
            try
            {
                await client.Leases.DeleteAsync(lease.Id, run.Namespace, CancellationToken.None);
            }
            catch (PlatformException e) when (e.Kind != ErrorKind.NotFound)
            {
                await run.Err.WriteLineAsync($"warning: lease {lease.Id} was not removed ({e.Kind}: {e.Message}); it expires on its own");
            }
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
