using Platform.TaskRunner.Tasks;
using Xunit;

namespace Platform.TaskRunner.Tests.Tasks;

public sealed class When_tasks_are_locked
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_let_one_holder_in_per_task_and_others_through()
    {
        var locks = new TaskLocks();
        var first = await locks.LockAsync("ns", "a", Ct);

        var second = locks.LockAsync("ns", "a", Ct);
        var other = await locks.LockAsync("ns", "b", Ct).WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
        other.Dispose();
    }

    [Fact]
    public async Task Should_forget_a_task_once_nobody_holds_or_waits_for_it()
    {
        var locks = new TaskLocks();
        var held = await locks.LockAsync("ns", "a", Ct);
        using var cancel = new CancellationTokenSource();
        var waiting = locks.LockAsync("ns", "a", cancel.Token);
        Assert.Equal(1, locks.Count);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        held.Dispose();

        Assert.Equal(0, locks.Count);
    }
}
