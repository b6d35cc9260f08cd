using Platform.Contracts.Tasks;
using Platform.TaskRunner.Stats;
using Xunit;

namespace Platform.TaskRunner.Tests.Stats;

/// <summary>
/// The stats readers over fixture files laid out as the kernel lays them out (Stats/Fixtures): a cgroup v2 unified
/// hierarchy, a v1 host with cpu and cpuacct co-mounted, and procfs files of one process.
/// </summary>
public sealed class When_cgroup_and_proc_files_are_read
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Stats", "Fixtures");
    private static string Proc => Path.Combine(Fixtures, "proc");

    [Fact]
    public void A_v2_cgroup_gives_cpu_memory_without_inactive_file_pids_and_io()
    {
        var usage = TaskStatsReader.ReadCgroup(Path.Combine(Fixtures, "cgroup-v2"), "/platform/ns1/web");

        Assert.Equal(1_234_567_000L, usage.CpuUsageNs);
        Assert.Equal(52_428_800L - 10_485_760L, usage.MemoryUsageBytes);
        Assert.Equal(64L << 20, usage.MemoryLimitBytes);
        Assert.Equal(20_971_520L, usage.MemoryCacheBytes);
        Assert.Equal(7L, usage.PidsCurrent);
        Assert.Null(usage.PidsLimit); // "max"
        Assert.Equal(1_048_576L + 2048L, usage.BlockReadBytes);
        Assert.Equal(4096L + 8192L, usage.BlockWriteBytes);
    }

    [Fact]
    public void A_v2_cgroup_without_a_memory_limit_or_a_controller_reads_as_nulls()
    {
        Assert.Null(CgroupFiles.Parse("max"));
        var (read, written) = CgroupV2Reader.Io(Path.Combine(Fixtures, "cgroup-v2", "no-such", "io.stat"));
        Assert.Null(read);
        Assert.Null(written);
        var missing = TaskStatsReader.ReadCgroup(Path.Combine(Fixtures, "cgroup-v2"), "/platform/ns1/gone");
        Assert.Equal(new CgroupUsage(null, null, null, null, null, null, null, null), missing);
    }

    [Fact]
    public void A_v1_host_reads_each_controllers_hierarchy_and_the_total_counters()
    {
        var usage = TaskStatsReader.ReadCgroup(Path.Combine(Fixtures, "cgroup-v1"), "/platform/ns1/web");

        Assert.Equal(987_654_321L, usage.CpuUsageNs); // from cpu,cpuacct
        Assert.Equal(73_400_320L - 8_388_608L, usage.MemoryUsageBytes); // total_inactive_file, not inactive_file
        Assert.Null(usage.MemoryLimitBytes); // v1's "unlimited"
        Assert.Equal(16_777_216L, usage.MemoryCacheBytes);
        Assert.Equal((3L, 50L), (usage.PidsCurrent, usage.PidsLimit));
        Assert.Equal((4196L, 12288L), (usage.BlockReadBytes, usage.BlockWriteBytes)); // throttle file empty: CFQ's counters
    }

    [Fact]
    public void The_host_cpu_time_is_the_seven_first_counters_of_proc_stat_in_nanoseconds()
    {
        var host = HostCpu.Read(Proc);

        Assert.Equal(8_298_666L * 10_000_000L, host.SystemCpuNs);
        Assert.Equal(2, host.OnlineCpus);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_765_000_000), host.BootTime);
        Assert.Equal(8_000_000L * 1024, HostCpu.MemoryBytes(Proc));
    }

    [Fact]
    public void Network_bytes_leave_loopback_out()
    {
        Assert.Equal((2000L, 700L), NetDev.Parse(File.ReadAllText(Path.Combine(Proc, "4242", "net", "dev"))));
        Assert.Equal(((long?)null, (long?)null), NetDev.Parse(null));
    }

    [Fact]
    public void A_process_is_read_from_stat_status_and_cmdline_even_with_parentheses_in_its_name()
    {
        var boot = DateTimeOffset.FromUnixTimeSeconds(1_765_000_000);
        var process = ProcProcess.Read(Proc, 4242, boot, uid => uid == 1000 ? "app" : null)!;

        Assert.Equal("my (odd) proc", process.Command);
        Assert.Equal((4242, 7, 4200, 1000, "app", "S"), (process.Pid, process.ContainerPid, process.ParentPid, process.Uid, process.User, process.State));
        Assert.Equal(3000L, process.CpuTimeMs); // (250 + 50) ticks
        Assert.Equal(boot.AddSeconds(3600), process.StartedAt);
        Assert.Equal(4_390_912L, process.VszBytes);
        Assert.Equal(180L * Environment.SystemPageSize, process.RssBytes);
        Assert.Equal(["sleep", "600"], process.Args);
        Assert.Null(ProcProcess.Read(Proc, 4243, boot, _ => null)); // exited meanwhile
    }

    [Fact]
    public void User_names_come_from_passwd_lines()
    {
        var names = ContainerUsers.Parse("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\nbroken\n");
        Assert.Equal("root", names[0]);
        Assert.Equal("nobody", names[65534]);
        Assert.Equal(2, names.Count);
    }

    [Fact]
    public void A_sample_caps_an_unlimited_memory_limit_at_the_hosts_memory()
    {
        var reader = new TaskStatsReader(new StatsRoots(Path.Combine(Fixtures, "cgroup-v1"), Proc), TimeProvider.System);
        var sample = reader.Read("web", TaskState.Running, "/platform/ns1/web", 0);

        Assert.Equal(8_000_000L * 1024, sample.MemoryLimitBytes);
        Assert.Equal(987_654_321L, sample.CpuUsageNs);
        Assert.Equal(2, sample.OnlineCpus);
        Assert.Null(sample.NetRxBytes);
    }
}
