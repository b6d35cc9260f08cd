using System.Text.Json;
using Platform.Client.Oci;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>
/// <c>run</c>'s resource flags in docker's syntax: what each puts into the spec, and the InvalidArgument (exit 3) a
/// value breaking its rule gets before anything reaches the broker, its message naming the flag and the rule.
/// </summary>
public sealed class When_run_is_given_resource_flags
{
    private static JsonElement Spec(ResourceLimits limits) =>
        Output.Json(DefaultSpec.Create(new DefaultSpecOptions { Args = ["true"], Limits = limits }));

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Theory]
    [InlineData("64m", 64L * 1024 * 1024)]
    [InlineData("64MB", 64L * 1024 * 1024)]
    [InlineData("1.5g", 1536L * 1024 * 1024)]
    [InlineData("6291456", 6L * 1024 * 1024)]
    [InlineData("8192k", 8L * 1024 * 1024)]
    public void Memory_sizes_read_as_docker_reads_them(string value, long bytes) =>
        Assert.Equal(bytes, LimitSyntax.Memory(value));

    [Fact]
    public void Limits_go_into_linux_resources_with_dockers_defaults()
    {
        var resources = Spec(new ResourceLimits
        {
            MemoryBytes = LimitSyntax.Memory("64m"), CpuQuota = LimitSyntax.CpuQuota("1.5"), CpuPeriod = LimitSyntax.CpuPeriod,
            CpuShares = LimitSyntax.CpuShares("512"), PidsLimit = LimitSyntax.PidsLimit("50"),
        }).GetProperty("linux").GetProperty("resources");

        Assert.Equal(64L << 20, resources.GetProperty("memory").GetProperty("limit").GetInt64());
        // No --memory-swap: as much swap as memory, so memory plus swap is twice the limit.
        Assert.Equal(128L << 20, resources.GetProperty("memory").GetProperty("swap").GetInt64());
        Assert.Equal(150000, resources.GetProperty("cpu").GetProperty("quota").GetInt64());
        Assert.Equal(100000, resources.GetProperty("cpu").GetProperty("period").GetInt64());
        Assert.Equal(512, resources.GetProperty("cpu").GetProperty("shares").GetInt64());
        Assert.Equal(50, resources.GetProperty("pids").GetProperty("limit").GetInt64());
        // The default device rule stays.
        Assert.Equal(1, resources.GetProperty("devices").GetArrayLength());
    }

    [Fact]
    public void Memory_swap_minus_one_is_unlimited_and_pids_limit_zero_too()
    {
        var memory = LimitSyntax.Memory("32m");
        var resources = Spec(new ResourceLimits { MemoryBytes = memory, MemorySwapBytes = LimitSyntax.MemorySwap("-1", memory), PidsLimit = LimitSyntax.PidsLimit("0") })
            .GetProperty("linux").GetProperty("resources");

        Assert.Equal(-1, resources.GetProperty("memory").GetProperty("swap").GetInt64());
        Assert.Equal(-1, resources.GetProperty("pids").GetProperty("limit").GetInt64());
    }

    [Fact]
    public void Ulimits_replace_the_specs_rlimit_of_their_type()
    {
        var rlimits = Spec(new ResourceLimits { Ulimits = [LimitSyntax.Ulimit("nofile=1024:2048"), LimitSyntax.Ulimit("nproc=100")] })
            .GetProperty("process").GetProperty("rlimits").EnumerateArray()
            .Select(r => (r.GetProperty("type").GetString(), r.GetProperty("soft").GetUInt64(), r.GetProperty("hard").GetUInt64())).ToList();

        Assert.Equal([("RLIMIT_NOFILE", 1024UL, 2048UL), ("RLIMIT_NPROC", 100UL, 100UL)], rlimits);
    }

    [Fact]
    public void Cap_drop_all_then_add_keeps_only_the_added_and_a_plain_drop_removes_one()
    {
        var only = Spec(new ResourceLimits { CapDrop = ["ALL"], CapAdd = [LimitSyntax.Capability("chown", "--cap-add")] })
            .GetProperty("process").GetProperty("capabilities");
        foreach (var set in new[] { "bounding", "effective", "permitted" })
            Assert.Equal(["CAP_CHOWN"], Strings(only.GetProperty(set)));

        var less = Strings(Spec(new ResourceLimits { CapDrop = ["CAP_NET_RAW"], CapAdd = ["CAP_NET_ADMIN"] })
            .GetProperty("process").GetProperty("capabilities").GetProperty("bounding"));
        Assert.DoesNotContain("CAP_NET_RAW", less);
        Assert.Contains("CAP_NET_ADMIN", less);
        Assert.Equal(DefaultSpec.Capabilities.Count, less.Length);
    }

    [Theory]
    [InlineData("--memory", "1m", "--memory: must be a size like 64m, at least 6 MiB (got \"1m\")")]
    [InlineData("--memory", "lots", "--memory: \"lots\" must be a size like 64m (units b, k, m, g, t)")]
    [InlineData("--cpus", "0.001", "--cpus: must be a number of CPUs like 1.5, at least 0.01 (got \"0.001\")")]
    [InlineData("--cpu-shares", "1", "--cpu-shares: must be an integer from 2 to 262144 (got \"1\")")]
    [InlineData("--pids-limit", "-5", "--pids-limit: must be a positive integer, or -1 for unlimited (got \"-5\")")]
    [InlineData("--ulimit", "nofile=2048:1024", "--ulimit: \"nofile=2048:1024\": the soft limit must not exceed the hard limit")]
    [InlineData("--cap-add", "SUPERPOWER", "--cap-add: \"SUPERPOWER\" is not a Linux capability (e.g. NET_ADMIN, CAP_SYS_TIME, or ALL)")]
    [InlineData("--memory-swap", "64m", "--memory-swap: needs --memory as well (it is the limit of memory plus swap)")]
    public async Task A_value_breaking_its_rule_exits_3_naming_the_flag(string flag, string value, string message)
    {
        var result = await PlatformCtl.WithoutPlatform().RunAsync("run", "--rootfs", "/", flag, value, "web", "--", "true");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal($"error: InvalidArgument: {message}\n", result.Stderr);
    }

    [Fact]
    public async Task Memory_swap_below_memory_is_refused()
    {
        var result = await PlatformCtl.WithoutPlatform().RunAsync("run", "--rootfs", "/", "--memory", "64m", "--memory-swap", "32m", "web", "--", "true");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("--memory-swap: must be -1 (unlimited) or a size at least the --memory limit", result.Stderr);
    }

    [Fact]
    public void Flags_before_the_image_take_their_value_so_the_command_starts_after_it() =>
        Assert.Equal(["run", "--memory", "64m", "--cap-add", "NET_ADMIN", "busybox", "--", "sh", "-c", "x"],
            Platform.Cli.Commands.Run.RunArguments.Normalize(["run", "--memory", "64m", "--cap-add", "NET_ADMIN", "busybox", "sh", "-c", "x"]));
}
