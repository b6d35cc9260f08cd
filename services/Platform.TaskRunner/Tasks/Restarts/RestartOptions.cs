using System.ComponentModel.DataAnnotations;
using Platform.Hosting.Options;

namespace Platform.TaskRunner.Tasks.Restarts;

/// <summary>Configuration section <c>TaskRunner:Restarts</c>: the restart back-off. The defaults are docker's; change them only to test.</summary>
public sealed class RestartOptions
{
    public const string Section = "TaskRunner:Restarts";

    /// <summary>The delay before the first restart (and the first after a long run). Default 100 ms.</summary>
    [Duration("00:00:00.001", "01:00:00")]
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest delay the doubling reaches. Default 1 minute.</summary>
    [Duration("00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A run at least this long starts the delays over from <see cref="FirstDelay"/>. Default 10 seconds.</summary>
    [Duration("00:00:00.001", "1.00:00:00")]
    public TimeSpan ResetAfter { get; set; } = TimeSpan.FromSeconds(10);

    public RestartBackoff Backoff => new(FirstDelay, MaxDelay, ResetAfter);
}
