using System.Globalization;
using Platform.Common.Filters;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks;

/// <summary>The fields a task filter can test: <c>id</c>, <c>status</c>, <c>runtime</c>, <c>pid</c>.</summary>
public readonly struct TaskFields(TaskRecord task) : IFieldSource
{
    public bool TryGetField(IReadOnlyList<string> fieldPath, out string value)
    {
        value = "";
        if (fieldPath.Count != 1)
            return false;
        switch (fieldPath[0])
        {
            case "id":
                value = task.ContainerId;
                return true;
            case "status":
                value = TaskRules.Name(task.Status);
                return true;
            case "runtime":
                value = task.Runtime;
                return true;
            case "pid":
                value = task.Pid.ToString(CultureInfo.InvariantCulture);
                return true;
            default:
                return false;
        }
    }
}
