namespace Platform.Metadata.Store;

/// <summary>
/// Whether a task holds a container: kept by the store beside the container, never part of it (a container holds no
/// runtime state, DESIGN.md invariant 1; the hold changes neither its fields, its version nor its events). The task
/// runner records it when it creates the container's task (HoldContainer), under its per-container lock; TaskDeleted
/// releases it. A deletion trusts <see cref="None"/> and asks the runner about anything else.
/// </summary>
/// <param name="Generation">0: none; positive: the holding task's creation time in ticks; -1: not known.</param>
public readonly record struct TaskHold(long Generation)
{
    /// <summary>No task holds the container: it may be deleted without asking the task runner.</summary>
    public static TaskHold None { get; } = new(0);

    /// <summary>Not known: a container stored before holds were recorded. Treated as held.</summary>
    public static TaskHold Unknown { get; } = new(-1);

    public bool IsNone => Generation == 0;

    public override string ToString() => Generation switch { 0 => "none", -1 => "unknown", var g => $"task of {g}" };
}
