using Platform.Common.Errors;
using Platform.TaskRunner.Copy;
using Xunit;

namespace Platform.TaskRunner.Tests.Copy;

/// <summary>
/// <see cref="ContainerPath"/> over a fake root with links that lead out of it if the host followed them: every path
/// stays below the root, links are read as the container reads them.
/// </summary>
public sealed class When_a_container_path_is_resolved : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("platform-cp-").FullName;

    public When_a_container_path_is_resolved()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        Directory.CreateDirectory(Path.Combine(_root, "usr", "bin"));
        File.WriteAllText(Path.Combine(_root, "etc", "passwd"), "root:x:0:0::/root:/bin/sh\n");
        File.CreateSymbolicLink(Path.Combine(_root, "escape"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(_root, "up"), "../../../../../../..");
        File.CreateSymbolicLink(Path.Combine(_root, "bin"), "usr/bin");
        File.CreateSymbolicLink(Path.Combine(_root, "loop"), "loop");
    }

    [Theory]
    [InlineData("/escape", true, "etc/passwd")] // an absolute target starts again at the container's root
    [InlineData("/up/etc/passwd", false, "etc/passwd")]
    [InlineData("../../../../etc/passwd", false, "etc/passwd")]
    [InlineData("/bin/sh", false, "usr/bin/sh")] // a relative link inside the root, then a name that doesn't exist yet
    [InlineData("/escape", false, "escape")] // the last link itself, unless asked to follow it
    [InlineData("/", false, "")]
    public void It_stays_below_the_root(string path, bool followLast, string expected) =>
        Assert.Equal(expected.Length == 0 ? _root : Path.Combine(_root, expected), ContainerPath.Resolve(_root, path, followLast));

    [Fact]
    public void A_link_loop_is_refused()
    {
        var e = Assert.Throws<PlatformException>(() => ContainerPath.Resolve(_root, "/loop/x", followLast: false));
        Assert.Contains("too many levels of symbolic links", e.Message);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
