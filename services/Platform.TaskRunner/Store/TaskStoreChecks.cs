using Platform.Common.Errors;

namespace Platform.TaskRunner.Store;

/// <summary>
/// The caller's side of the <see cref="ITaskStore"/> contract, checked the same way by every store before it writes:
/// a mistake here is a bug in the service, not a conflict, so it throws instead of returning false.
/// </summary>
internal static class TaskStoreChecks
{
    public static void FirstVersion(TaskRecord task)
    {
        if (task.Version != 1)
            throw new ArgumentException($"a new task starts at version 1, not {task.Version}", nameof(task));
    }

    public static void NextVersion(TaskRecord task, long expectedVersion)
    {
        if (task.Version != expectedVersion + 1)
            throw new ArgumentException($"a task replacing version {expectedVersion} carries version {expectedVersion + 1}, not {task.Version}", nameof(task));
    }

    public static void SameTask(TaskRecord task, ExitRecord exit)
    {
        if (exit.Namespace != task.Namespace || exit.ContainerId != task.ContainerId)
            throw new ArgumentException(
                $"the exit of container {exit.ContainerId} in namespace {exit.Namespace} does not belong to the task of container {task.ContainerId} in namespace {task.Namespace}",
                nameof(exit));
    }

    /// <summary>What both stores answer when another create of the same task committed first.</summary>
    public static PlatformException AlreadyExists(TaskRecord task) =>
        PlatformException.AlreadyExists($"task of container {task.ContainerId} already exists in namespace {task.Namespace}");
}
