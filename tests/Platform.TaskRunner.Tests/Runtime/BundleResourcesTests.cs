using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime.Conmon;
using Xunit;

namespace Platform.TaskRunner.Tests.Runtime;

/// <summary>What <c>runc update</c> is given: the current limits with the change over them, as an OCI LinuxResources document.</summary>
public sealed class When_a_resources_update_is_prepared
{
    [Fact]
    public void Given_members_replace_current_ones_and_the_rest_stay()
    {
        var merged = BundleResources.Merge(
            new TaskResources { MemoryBytes = 64L << 20, MemorySwapBytes = 128L << 20, PidsLimit = 50, CpuShares = 512 },
            new TaskResources { MemoryBytes = 32L << 20, CpuQuota = 50_000 });

        Assert.Equal(new TaskResources { MemoryBytes = 32L << 20, MemorySwapBytes = 128L << 20, PidsLimit = 50, CpuShares = 512, CpuQuota = 50_000, CpuPeriod = 100_000 }, merged);
        Assert.Equal("""{"memory":{"limit":33554432,"swap":134217728},"cpu":{"quota":50000,"period":100000,"shares":512},"pids":{"limit":50}}""",
            BundleResources.Document(merged).ToJsonString());
    }

    [Fact]
    public void A_memory_limit_above_the_current_swap_limit_takes_twice_itself()
    {
        var merged = BundleResources.Merge(new TaskResources { MemoryBytes = 8L << 20, MemorySwapBytes = 16L << 20 }, new TaskResources { MemoryBytes = 32L << 20 });

        Assert.Equal(64L << 20, merged.MemorySwapBytes);
    }
}
