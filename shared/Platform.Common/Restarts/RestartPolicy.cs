using System.Globalization;
using Platform.Common.Errors;

namespace Platform.Common.Restarts;

/// <summary>What a restart policy does when a task's init process exits (docker's names).</summary>
public enum RestartPolicyKind
{
    /// <summary>Never restart (the default).</summary>
    No,

    /// <summary>Restart on a non-zero (or unknown) exit status, at most <see cref="RestartPolicy.MaxRetries"/> times when given.</summary>
    OnFailure,

    /// <summary>Restart on any exit; a user's stop holds until the next start or a restart of the task runner.</summary>
    Always,

    /// <summary>As <see cref="Always"/>, except that a user's stop also holds across restarts of the task runner.</summary>
    UnlessStopped,
}

/// <summary>
/// A container's restart policy, docker's <c>--restart</c> grammar: <c>no</c>, <c>on-failure[:N]</c> (N a positive
/// integer), <c>always</c>, <c>unless-stopped</c>. Kept on the container as the label <see cref="Label"/>, as
/// containerd's restart monitor keeps its policy in a label; the task runner keeps <see cref="CountLabel"/> up to date.
/// One parser for the CLI (the flag), the metadata service (the label on create and update) and the task runner.
/// </summary>
public readonly record struct RestartPolicy(RestartPolicyKind Kind, int? MaxRetries = null)
{
    /// <summary>The container label that holds the policy, e.g. <c>on-failure:3</c>.</summary>
    public const string Label = "platform.io/restart.policy";

    /// <summary>The container label the task runner sets to how many times it restarted the container's task since its last start by a user.</summary>
    public const string CountLabel = "platform.io/restart.count";

    /// <summary>The grammar, for messages.</summary>
    public const string Grammar = "no, on-failure[:N] (N a positive integer), always or unless-stopped";

    public static readonly RestartPolicy No = new(RestartPolicyKind.No);

    /// <summary>Whether a process that exited with <paramref name="exitStatus"/> (null: unknown) after <paramref name="restartsSoFar"/> restarts is started again.</summary>
    public bool RestartsAfter(int? exitStatus, int restartsSoFar, bool stoppedByUser) => Kind switch
    {
        RestartPolicyKind.Always or RestartPolicyKind.UnlessStopped => !stoppedByUser,
        // An unknown status is not a success: the process may well have crashed with its monitor.
        RestartPolicyKind.OnFailure => !stoppedByUser && exitStatus != 0 && (MaxRetries is null || restartsSoFar < MaxRetries),
        _ => false,
    };

    /// <summary>The policy <paramref name="text"/> names; InvalidArgument naming <paramref name="field"/> and the grammar otherwise.</summary>
    public static RestartPolicy Parse(string? text, string field = "--restart") =>
        TryParse(text, out var policy)
            ? policy
            : throw PlatformException.InvalidArgument($"{field}: \"{text}\" is not a restart policy; expected {Grammar}");

    public static bool TryParse(string? text, out RestartPolicy policy)
    {
        policy = No;
        switch (text)
        {
            case "no":
                return true;
            case "always":
                policy = new RestartPolicy(RestartPolicyKind.Always);
                return true;
            case "unless-stopped":
                policy = new RestartPolicy(RestartPolicyKind.UnlessStopped);
                return true;
            case "on-failure":
                policy = new RestartPolicy(RestartPolicyKind.OnFailure);
                return true;
        }
        const string prefix = "on-failure:";
        if (text is null || !text.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        var count = text[prefix.Length..];
        if (count.Length == 0 || !count.All(char.IsAsciiDigit)
            || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 1)
            return false;
        policy = new RestartPolicy(RestartPolicyKind.OnFailure, max);
        return true;
    }

    /// <summary>The policy a container's labels give; <see cref="No"/> without the label. Assumes validated labels.</summary>
    public static RestartPolicy Of(IReadOnlyDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(Label, out var text) && TryParse(text, out var policy) ? policy : No;

    /// <summary>Checks the restart labels of a container: InvalidArgument naming the label and its grammar.</summary>
    public static void ValidateLabels(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null)
            return;
        if (labels.TryGetValue(Label, out var text))
            Parse(text, $"label {Label}");
        if (labels.TryGetValue(CountLabel, out var count)
            && (count is null || count.Length == 0 || !count.All(char.IsAsciiDigit) || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            throw PlatformException.InvalidArgument($"label {CountLabel}: \"{count}\" is not a restart count; expected a non-negative integer");
    }

    public override string ToString() => Kind switch
    {
        RestartPolicyKind.OnFailure => MaxRetries is { } max ? $"on-failure:{max.ToString(CultureInfo.InvariantCulture)}" : "on-failure",
        RestartPolicyKind.Always => "always",
        RestartPolicyKind.UnlessStopped => "unless-stopped",
        _ => "no",
    };
}
