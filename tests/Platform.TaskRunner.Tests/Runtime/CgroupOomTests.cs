using Platform.TaskRunner.Runtime;
using Platform.TaskRunner.Runtime.Conmon;
using Xunit;

namespace Platform.TaskRunner.Tests.Runtime;

/// <summary>
/// Reading the OOM killer's count of a task's cgroup, for cgroup v1 (<c>memory/…/memory.oom_control</c>) and v2
/// (<c>…/memory.events</c>), from fake hierarchies laid out as the kernel lays them out.
/// </summary>
public sealed class When_the_oom_count_of_a_cgroup_is_read : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("platform-oom-").FullName;
    private static readonly TaskHandle Task = new("ns1", "web", "runc");

    private const string V1OomControl = "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n";
    private const string V2Events = "low 0\nhigh 0\nmax 41\noom 1\noom_kill 1\noom_group_kill 0\n";

    [Fact]
    public void Both_file_formats_give_the_oom_kill_counter()
    {
        Assert.Equal(2, CgroupOom.Counter(V1OomControl, "oom_kill"));
        Assert.Equal(1, CgroupOom.Counter(V2Events, "oom_kill"));
        Assert.Null(CgroupOom.Counter("oom_kill_disable 0\nunder_oom 0\n", "oom_kill"));
        Assert.Null(CgroupOom.Counter(null, "oom_kill"));
    }

    [Fact]
    public void A_v1_host_is_read_in_the_memory_hierarchy_at_the_bundles_cgroups_path()
    {
        var (oom, hierarchies) = Layout("/platform/ns1/web");
        Write(hierarchies, "memory/platform/ns1/web/memory.oom_control", V1OomControl);

        Assert.False(CgroupOom.IsUnified(hierarchies));
        Assert.Equal(2, oom.Count(Task));
        Assert.True(oom.Annotate(Task, new ProcessExit(137, DateTimeOffset.UnixEpoch)).OomKilled);
    }

    [Fact]
    public void A_v2_host_is_read_in_the_unified_hierarchy()
    {
        var (oom, hierarchies) = Layout("/platform/ns1/web");
        Write(hierarchies, "cgroup.controllers", "cpu memory pids\n");
        Write(hierarchies, "platform/ns1/web/memory.events", V2Events);

        Assert.True(CgroupOom.IsUnified(hierarchies));
        Assert.Equal(1, oom.Count(Task));
        Assert.True(oom.Annotate(Task, new ProcessExit(137, DateTimeOffset.UnixEpoch)).OomKilled);
    }

    [Fact]
    public void No_kill_counted_or_no_cgroup_left_is_not_an_oom_kill()
    {
        var (oom, hierarchies) = Layout("/platform/ns1/web");
        Assert.Null(oom.Count(Task));
        Assert.False(oom.Annotate(Task, new ProcessExit(137, DateTimeOffset.UnixEpoch)).OomKilled);

        Write(hierarchies, "memory/platform/ns1/web/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
        Assert.False(oom.Annotate(Task, new ProcessExit(137, DateTimeOffset.UnixEpoch)).OomKilled);
    }

    private (CgroupOom Oom, string Hierarchies) Layout(string cgroupsPath)
    {
        var layout = new ConmonLayout(Path.Combine(_root, "tasks"));
        var hierarchies = Directory.CreateDirectory(Path.Combine(_root, "cgroup")).FullName;
        Write(layout.BundleDir(Task.Namespace, Task.ContainerId), "config.json", $$$"""{"linux":{"cgroupsPath":"{{{cgroupsPath}}}"}}""");
        return (new CgroupOom(layout, hierarchies), hierarchies);
    }

    private static void Write(string root, string relative, string text)
    {
        var file = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
