namespace Platform.TaskRunner.Tasks.Restarts;

/// <summary>
/// docker's restart back-off (<see cref="Docker"/>): the first restart waits 100 ms, each next one twice the one before,
/// at most a minute; a run that stayed up 10 s or more starts the sequence over. Pure: the caller gives what the last
/// delay was and how long the run lasted.
/// </summary>
public sealed record RestartBackoff(TimeSpan First, TimeSpan Max, TimeSpan ResetAfter)
{
    public static readonly RestartBackoff Docker = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10));

    /// <param name="previous">The delay before the last restart; zero when there was none.</param>
    /// <param name="ranFor">How long the run that just ended lasted (null: not known, counted as short).</param>
    public TimeSpan Next(TimeSpan previous, TimeSpan? ranFor)
    {
        if (previous <= TimeSpan.Zero || ranFor >= ResetAfter)
            return First;
        var next = previous * 2;
        return next > Max ? Max : next;
    }
}
