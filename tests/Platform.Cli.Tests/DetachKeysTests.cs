using Platform.Cli.Terminal;
using Platform.Common.Errors;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>docker's detach keys as <c>tasks attach</c> and <c>run -it</c> scan the typed bytes for them.</summary>
public sealed class When_detach_keys_are_typed
{
    private static (bool Detached, byte[] Passed) Scan(DetachKeys keys, params byte[] typed)
    {
        var passed = new List<byte>();
        var detached = keys.Scan(typed, passed);
        return (detached, [.. passed]);
    }

    [Fact]
    public void Ctrl_P_Ctrl_Q_detaches_and_is_not_sent_on()
    {
        var keys = DetachKeys.Parse(null);
        var first = Scan(keys, (byte)'a', (byte)'b', 0x10);
        Assert.False(first.Detached);
        Assert.Equal("ab"u8.ToArray(), first.Passed);
        var (detached, passed) = Scan(keys, 0x11, (byte)'z');
        Assert.True(detached);
        Assert.Empty(passed);
    }

    [Fact]
    public void A_broken_sequence_passes_its_held_keys_on_in_order()
    {
        var keys = DetachKeys.Parse(null);
        var broken = Scan(keys, 0x10, (byte)'x');
        Assert.False(broken.Detached);
        Assert.Equal(new byte[] { 0x10, (byte)'x' }, broken.Passed);
        // Ctrl-P Ctrl-P Ctrl-Q: the first Ctrl-P goes on, the second starts the sequence that completes.
        var again = Scan(keys, 0x10, 0x10, 0x11);
        Assert.True(again.Detached);
        Assert.Equal(new byte[] { 0x10 }, again.Passed);
    }

    [Fact]
    public void Other_keys_follow_dockers_syntax_and_unknown_ones_are_refused()
    {
        Assert.True(Scan(DetachKeys.Parse("ctrl-x,x"), 0x18, (byte)'x').Detached);
        Assert.True(Scan(DetachKeys.Parse("ctrl-[,ctrl-_"), 27, 31).Detached);
        var refused = Assert.Throws<PlatformException>(() => DetachKeys.Parse("ctrl-1"));
        Assert.Contains("--detach-keys", refused.Message);
    }
}
