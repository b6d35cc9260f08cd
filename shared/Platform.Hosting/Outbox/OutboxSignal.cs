namespace Platform.Hosting.Outbox;

/// <summary>
/// Wakes the relay right after a commit so events leave within milliseconds; the relay's poll interval is
/// only the fallback (for records left by a crash, or written by another process).
/// </summary>
public sealed class OutboxSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() => Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// The next notification. Take it <b>before</b> looking for work: a commit that lands between the look and the
    /// wait then still wakes the waiter (taken after, it would wait a whole poll interval).
    /// </summary>
    public Task Next() => Volatile.Read(ref _next).Task;

    public static async Task WaitAsync(Task next, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await next.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }
}
