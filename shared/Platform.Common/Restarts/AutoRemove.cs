namespace Platform.Common.Restarts;

/// <summary>
/// docker's <c>--rm</c> kept on the container: the label <see cref="Label"/> = <c>true</c> asks the metadata service to
/// delete the container once its task is deleted (after it exits), whoever waits for it or not; so a detached run or
/// an attached one the user detached from still leaves nothing behind. Refused with a restart policy, as docker does.
/// </summary>
public static class AutoRemove
{
    public const string Label = "platform.io/auto-remove";

    /// <summary>The container's labels ask for removal after its task.</summary>
    public static bool IsSet(IReadOnlyDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(Label, out var value) && value == "true";
}
