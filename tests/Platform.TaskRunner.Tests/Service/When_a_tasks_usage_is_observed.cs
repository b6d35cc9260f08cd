using System.Runtime.Versioning;
using Platform.Client.Oci;
using Platform.Contracts;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>ListTaskStats and TopTask on running tasks (real runc, the host's cgroups and procfs).</summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_tasks_usage_is_observed(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stats_show_the_cpu_it_burns_its_memory_against_its_limit_and_its_processes()
    {
        await fixture.ContainerAsync("busy", ["sh", "-c", "sleep 600 & while :; do :; done"],
            spec => SpecResources.Apply(spec, new ResourceLimits { MemoryBytes = 64L << 20, PidsLimit = 20 }));
        await fixture.Runc.Tasks.CreateAsync("busy", fixture.Namespace, Ct);
        await fixture.Runc.Tasks.StartAsync("busy", fixture.Namespace, Ct);
        try
        {
            var first = (await fixture.Runc.Tasks.StatsAsync(["busy"], @namespace: fixture.Namespace, cancellationToken: Ct)).Single();
            TaskStats second = first;
            // The shell and its sleep: two processes once the sleep has forked; the loop keeps burning CPU meanwhile.
            await Eventually.TrueAsync(async () =>
            {
                second = (await fixture.Runc.Tasks.StatsAsync(["busy"], @namespace: fixture.Namespace, cancellationToken: Ct)).Single();
                return second.PidsCurrent == 2 && second.CpuUsageNs > first.CpuUsageNs && second.SystemCpuNs > first.SystemCpuNs;
            }, Ct, TimeSpan.FromSeconds(20), "the task should use CPU between two samples and run two processes");

            var percent = (double)(second.CpuUsageNs!.Value - first.CpuUsageNs!.Value) / (second.SystemCpuNs!.Value - first.SystemCpuNs!.Value)
                          * second.OnlineCpus * 100;
            Assert.True(percent > 0, $"cpu {percent}%");
            Assert.Equal(TaskState.Running, second.Status);
            Assert.True(second.MemoryUsageBytes > 0, $"memory {second.MemoryUsageBytes}");
            Assert.Equal(64L << 20, second.MemoryLimitBytes);
            Assert.Equal(20L, second.PidsLimit);
            Assert.True(second.ReadAt > first.ReadAt);
        }
        finally
        {
            await fixture.Runc.Tasks.KillAsync("busy", 9, @namespace: fixture.Namespace, cancellationToken: Ct);
            await fixture.WaitAsync("busy");
        }
    }

    [Fact]
    public async Task Stats_of_the_namespace_list_its_running_tasks_and_a_missing_one_is_not_found()
    {
        await fixture.RunAsync("idle", "sleep", "600");
        try
        {
            var all = await fixture.Runc.Tasks.StatsAsync(@namespace: fixture.Namespace, cancellationToken: Ct);
            Assert.Contains(all, s => s.ContainerId == "idle" && s.PidsCurrent == 1);
            var missing = await Errors.Of(ErrorKind.NotFound,
                () => fixture.Runc.Tasks.StatsAsync(["idle", "no-such"], @namespace: fixture.Namespace, cancellationToken: Ct));
            Assert.Contains("no-such", missing.Message);
        }
        finally
        {
            await fixture.Runc.Tasks.KillAsync("idle", 9, @namespace: fixture.Namespace, cancellationToken: Ct);
            await fixture.WaitAsync("idle");
        }
    }

    [Fact]
    public async Task Top_lists_the_processes_inside_with_their_command_lines_and_users()
    {
        await fixture.RunAsync("topped", "sh", "-c", "sleep 600 & wait");
        try
        {
            IReadOnlyList<TopProcess> processes = [];
            await Eventually.TrueAsync(async () =>
            {
                processes = await fixture.Runc.Tasks.TopAsync("topped", fixture.Namespace, Ct);
                return processes.Any(p => p.Command == "sleep");
            }, Ct, TimeSpan.FromSeconds(20), "the sleep should show up");

            var sleep = processes.Single(p => p.Command == "sleep");
            Assert.Equal(["sleep", "600"], sleep.Args);
            Assert.Equal("root", sleep.User);
            var shell = processes.Single(p => p.ContainerPid == 1);
            Assert.Equal(["sh", "-c", "sleep 600 & wait"], shell.Args);
            Assert.Equal(shell.Pid, sleep.ParentPid);
            Assert.Equal((await fixture.Runc.Tasks.GetAsync("topped", fixture.Namespace, Ct)).Pid, shell.Pid);
        }
        finally
        {
            await fixture.Runc.Tasks.KillAsync("topped", 9, all: true, @namespace: fixture.Namespace, cancellationToken: Ct);
            await fixture.WaitAsync("topped");
        }
    }
}
