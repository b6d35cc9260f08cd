using System.Runtime.Versioning;
using Platform.Client.Oci;
using Platform.Contracts;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>UpdateTask on a running task (real runc and cgroups): the kernel's limits change, and GetTask says so.</summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_tasks_limits_are_updated(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_change_the_cgroup_and_report_the_limits_in_force()
    {
        await fixture.ContainerAsync("resized", ["sleep", "600"], spec => SpecResources.Apply(spec, new ResourceLimits { MemoryBytes = 64L << 20 }));
        await fixture.Runc.Tasks.CreateAsync("resized", fixture.Namespace, Ct);
        await fixture.Runc.Tasks.StartAsync("resized", fixture.Namespace, Ct);
        try
        {
            var cgroup = HostCgroup.Of(fixture.Namespace, "resized");
            Assert.Equal(64L << 20, cgroup.MemoryLimit());

            var updated = await fixture.Runc.Tasks.UpdateAsync("resized", new TaskResources { MemoryBytes = 32L << 20, PidsLimit = 20, CpuQuota = 50_000 }, fixture.Namespace, Ct);

            Assert.Equal(32L << 20, cgroup.MemoryLimit());
            Assert.Equal("20", cgroup.PidsMax());
            Assert.Equal((50_000L, 100_000L), cgroup.CpuQuotaAndPeriod());
            Assert.Equal(32L << 20, updated.Resources!.MemoryBytes);
            var got = await fixture.Runc.Tasks.GetAsync("resized", fixture.Namespace, Ct);
            Assert.Equal((32L << 20, 128L << 20, 20L, 50_000L), (got.Resources!.MemoryBytes, got.Resources.MemorySwapBytes, got.Resources.PidsLimit, got.Resources.CpuQuota));
            // One TaskUpdated, after TaskStarted, with the limits in force.
            await Eventually.TrueAsync(() => fixture.EventsOf<TaskUpdated>("resized").Count == 1, Ct, because: "TaskUpdated is published");
            Assert.Equal(32L << 20, fixture.EventsOf<TaskUpdated>("resized")[0].Resources!.MemoryBytes);
            Assert.Equal(["TaskCreated", "TaskStarted", "TaskUpdated"], fixture.TaskEvents("resized").Select(e => e.GetType().Name));
        }
        finally
        {
            await fixture.Runc.Tasks.KillAsync("resized", 9, @namespace: fixture.Namespace, cancellationToken: Ct);
            await fixture.WaitAsync("resized");
        }
    }

    [Fact]
    public async Task Should_refuse_a_limit_breaking_its_rule_naming_the_field()
    {
        await fixture.RunAsync("resized-bad", "sleep", "600");
        try
        {
            var refused = await Errors.Of(ErrorKind.InvalidArgument,
                () => fixture.Runc.Tasks.UpdateAsync("resized-bad", new TaskResources { MemoryBytes = 1 << 20 }, fixture.Namespace, Ct));
            Assert.StartsWith("resources.memoryBytes: must be at least 6 MiB", refused.Message);
        }
        finally
        {
            await fixture.Runc.Tasks.KillAsync("resized-bad", 9, @namespace: fixture.Namespace, cancellationToken: Ct);
            await fixture.WaitAsync("resized-bad");
        }
    }
}
