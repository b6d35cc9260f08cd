using Xunit;

namespace Platform.Testing;

/// <summary>Polls a condition with a deadline: the alternative to sleeping in a test.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, CancellationToken cancellationToken, TimeSpan? within = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"condition not met within {(within ?? TimeSpan.FromSeconds(15)).TotalSeconds} s{(because is null ? "" : ": " + because)}");
            await Task.Delay(20, cancellationToken);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, CancellationToken cancellationToken, TimeSpan? within = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"condition not met within {(within ?? TimeSpan.FromSeconds(15)).TotalSeconds} s{(because is null ? "" : ": " + because)}");
            await Task.Delay(50, cancellationToken);
        }
    }
}
