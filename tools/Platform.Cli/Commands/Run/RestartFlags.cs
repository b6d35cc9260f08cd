using System.CommandLine;
using Platform.Common.Restarts;

namespace Platform.Cli.Commands.Run;

/// <summary>
/// docker's <c>--restart</c> of <c>run</c>: the policy goes on the container as the label <see cref="RestartPolicy.Label"/>,
/// which the task runner follows. Refused with <c>--rm</c>, as docker refuses it: the container would be removed at the
/// first exit the policy wants to restart.
/// </summary>
internal sealed class RestartFlags
{
    /// <summary>The flags that take a value as the next token (for <see cref="RunArguments"/>).</summary>
    public static readonly IReadOnlySet<string> ValueOptions = new HashSet<string>(StringComparer.Ordinal) { "--restart" };

    public Option<string> Restart { get; } = new("--restart")
    {
        Description = "Restart policy when the task exits: no, on-failure[:N], always, unless-stopped [default: no]",
        HelpName = "POLICY",
    };

    public void AddTo(Command command, Option<bool> remove)
    {
        command.Options.Add(Restart);
        command.Validators.Add(result =>
        {
            if (result.GetResult(Restart) is { Implicit: false } && result.GetResult(remove) is { Implicit: false })
                result.AddError("--restart cannot be used with --rm: the container would be removed when its task exits (docker refuses the pair too)");
        });
    }

    /// <summary>The container's labels with the policy added; InvalidArgument naming --restart and its grammar for a bad value.</summary>
    public IReadOnlyDictionary<string, string> AddLabel(Invocation run, IReadOnlyDictionary<string, string> labels)
    {
        if (run.Get(Restart) is not { } text)
            return labels;
        var policy = RestartPolicy.Parse(text, "--restart");
        if (policy.Kind == RestartPolicyKind.No)
            return labels;
        return new Dictionary<string, string>(labels) { [RestartPolicy.Label] = policy.ToString() };
    }
}
