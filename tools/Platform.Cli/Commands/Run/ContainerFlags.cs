using System.CommandLine;
using Platform.Cli.Input;
using Platform.Client.Oci;
using Platform.Common.Errors;
using Platform.Common.Restarts;

namespace Platform.Cli.Commands.Run;

/// <summary>
/// The arguments and flags that describe a container, shared by <c>run</c> and <c>create</c> (docker's pair): the image
/// (or <c>--snapshot</c>/<c>--rootfs</c> and an id), the command, name, labels, environment, user, runtime, limits,
/// mounts, restart policy, health check, <c>-i</c>/<c>-t</c> and <c>--rm</c>; read into a <see cref="RunRequest"/>.
/// </summary>
internal sealed class ContainerFlags
{
    public const string DefaultRuntime = "runc";

    private readonly Argument<string> _target = new("image")
    {
        Description = "The image (docker's form); with --snapshot or --rootfs, the container id instead",
        HelpName = "IMAGE|ID",
    };

    private readonly Argument<string[]> _args = new("command")
    {
        Description = "The command and its arguments: after the image (replacing its Cmd), or after '--' with --snapshot/--rootfs",
        HelpName = "COMMAND ARGS",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string> _name = new("--name") { Description = "Container id [default: generated and printed]", HelpName = "ID" };
    private readonly Option<bool> _remove = new("--rm") { Description = "Remove the container (and so its snapshot) once its task has exited, also when detached" };
    private readonly Option<string[]> _labels = new("--label") { Description = "Container label to set; repeatable", HelpName = "KEY=VALUE" };
    private readonly Option<string> _snapshot = new("--snapshot") { Description = "Committed snapshot to run on: an active snapshot <ID>-rootfs is prepared from it", HelpName = "NAME" };
    private readonly Option<string> _rootfs = new("--rootfs") { Description = "Folder to run on as the root filesystem, used in place", HelpName = "DIR" };
    private readonly Option<string> _snapshotter = new("--snapshotter") { Description = "Snapshotter of the image or of --snapshot [default: the service's]", HelpName = "NAME" };
    private readonly Option<string> _runtime = new("--runtime") { Description = "Runtime name", HelpName = "NAME", DefaultValueFactory = _ => DefaultRuntime };
    private readonly Option<string[]> _env = new("--env", "-e") { Description = "Environment variable over the image's (and PATH); repeatable", HelpName = "KEY=VALUE" };
    private readonly Option<string> _cwd = new("--workdir", "-w", "--cwd") { Description = "Working directory inside the container [default: the image's, else /]", HelpName = "DIR" };
    private readonly Option<string> _user = new("--user", "-u") { Description = "User to run as: name, uid, uid:gid or name:group [default: the image's, else root]", HelpName = "USER" };
    private readonly Option<string> _hostname = new("--hostname") { Description = "Hostname inside the container [default: the container id]", HelpName = "NAME" };
    private readonly Option<string> _entrypoint = new("--entrypoint") { Description = "Replace the image's Entrypoint (and its Cmd); \"\" clears it", HelpName = "CMD" };
    private readonly ResourceFlags _limits = new();
    private readonly RestartFlags _restart = new();
    private readonly MountFlags _mounts = new();
    private readonly HealthFlags _health = new();
    private readonly StdioFlags _stdio = new();
    private readonly NetworkFlags _network = new();

    public void AddTo(Command command)
    {
        command.Arguments.Add(_target);
        command.Arguments.Add(_args);
        foreach (var option in new Option[] { _name, _remove, _labels, _snapshot, _rootfs, _snapshotter, _runtime, _env, _cwd, _user, _entrypoint, _hostname })
            command.Options.Add(option);
        _limits.AddTo(command);
        _restart.AddTo(command, _remove);
        _stdio.AddTo(command);
        _network.AddTo(command);
        foreach (var option in _mounts.Options.Concat(_health.Options))
            command.Options.Add(option);
        command.Validators.Add(result =>
        {
            bool Given(Option option) => result.GetResult(option) is { Implicit: false };
            if (Given(_snapshot) && Given(_rootfs))
                result.AddError("--snapshot and --rootfs cannot be used together: give one root filesystem");
            if (Given(_snapshot) || Given(_rootfs))
            {
                if (Given(_name))
                    result.AddError("--name applies to the image form; with --snapshot or --rootfs the id is the first argument");
                if (Given(_user) || Given(_entrypoint))
                    result.AddError("--user and --entrypoint apply to the image form (IMAGE ...)");
            }
            if (Given(_snapshotter) && Given(_rootfs))
                result.AddError("--snapshotter applies to images and --snapshot only");
        });
    }

    /// <summary>The older form (--snapshot or --rootfs, then ID -- CMD).</summary>
    public bool Legacy(Invocation run) => run.Get(_snapshot) is not null || run.Get(_rootfs) is not null;

    /// <summary>The command after the image (or after '--' in the older form).</summary>
    public string[] Args(Invocation run) => run.Get(_args) ?? [];

    public RunRequest Read(Invocation run)
    {
        var legacy = Legacy(run);
        var remove = run.Get(_remove);
        var labels = _network.AddLabels(run, _restart.AddLabel(run, KeyValues.Parse(run.Get(_labels), "--label")));
        if (remove)
            labels = new Dictionary<string, string>(labels) { [AutoRemove.Label] = "true" };
        return new RunRequest(
            legacy ? run.Get(_target)! : run.Get(_name) ?? GeneratedId(),
            Args(run),
            labels,
            ProcessSpec.ParseEnv(run.Get(_env), "--env"),
            run.Get(_cwd),
            run.Get(_snapshot),
            run.Get(_rootfs) is { } folder ? RootfsFolder(folder) : null,
            run.Get(_snapshotter),
            run.Get(_runtime) ?? DefaultRuntime,
            remove,
            legacy ? null : run.Get(_target)!,
            run.Get(_user),
            run.Get(_entrypoint) is { } e ? (e.Length == 0 ? [] : [e]) : null)
        {
            Limits = _limits.Read(run),
            Mounts = _mounts.Mounts(run), ReadOnlyRoot = _mounts.ReadOnlyRoot(run), Health = _health.Read(run),
            Stdio = _stdio.Read(run),
            Hostname = run.Get(_hostname) is { } hostname ? CheckedHostname(hostname) : null,
        };
    }

    // RFC 1123 labels, as docker checks --hostname.
    private static string CheckedHostname(string name) =>
        name.Length is > 0 and <= 253 && name.Split('.').All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-' && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            ? name
            : throw PlatformException.InvalidArgument($"--hostname \"{name}\" is not a valid hostname (letters, digits and '-' in dot-separated labels of at most 63)");

    /// <summary>A container id when --name is absent: 12 hex digits, as docker's short ids look.</summary>
    private static string GeneratedId() => Guid.NewGuid().ToString("N")[..12];

    private static string RootfsFolder(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
            throw PlatformException.InvalidArgument($"--rootfs folder \"{folder}\" does not exist");
        return full;
    }
}
