using System.Runtime.Versioning;
using Platform.Client.Oci;
using Platform.Contracts;
using Xunit;
using static Platform.Security.Tests.Policy.PolicyFixture;

namespace Platform.Security.Tests.Policy;

/// <summary>
/// <c>run --cap-add/--cap-drop</c> stays within the runtime policy: the spec the flags make is judged like any other, so
/// a user without a privileged grant may drop capabilities and add back default ones, never one beyond the default set.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_an_unprivileged_user_changes_capabilities(PolicyFixture fixture) : IClassFixture<PolicyFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cap_add_beyond_the_default_set_is_refused_naming_the_capability()
    {
        var refused = await RefusedAsync(ErrorKind.PermissionDenied, () => fixture.CreateAsync(fixture.User, "cap-admin", ["true"],
            spec => SpecResources.Apply(spec, new ResourceLimits { CapAdd = [LimitSyntax.Capability("sys_admin", "--cap-add")] })));

        Assert.Contains("process.capabilities.bounding[14]: CAP_SYS_ADMIN is beyond the default set", refused.Message);
        Assert.Contains($"privileged grant in namespace \"{fixture.Namespace}\"", refused.Message);
    }

    [Fact]
    public async Task Cap_drop_all_with_a_default_one_added_back_runs_with_only_that_one()
    {
        await fixture.CreateAsync(fixture.User, "cap-chown", ["cat", "/proc/self/status"],
            spec => SpecResources.Apply(spec, new ResourceLimits { CapDrop = ["ALL"], CapAdd = ["CAP_CHOWN"] }));
        await fixture.User.Tasks.CreateAsync("cap-chown", fixture.Namespace, Ct);
        await fixture.User.Tasks.StartAsync("cap-chown", fixture.Namespace, Ct);

        Assert.Equal(0, (await fixture.WaitAsync(fixture.User, "cap-chown")).ExitStatus);
        // CAP_CHOWN is capability 0: the bounding set holds that bit alone.
        Assert.Matches(@"(?m)^CapBnd:\s+0000000000000001$", await fixture.OutputAsync(fixture.User, "cap-chown"));
    }

    [Fact]
    public async Task Ulimit_above_the_runners_own_hard_limit_is_refused_when_the_task_is_created()
    {
        // The services run in this process, so its hard limit is the runner's.
        var hard = ulong.Parse(File.ReadLines("/proc/self/limits").First(l => l.StartsWith("Max open files")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]);
        await fixture.CreateAsync(fixture.User, "ulimit-raised", ["true"],
            spec => SpecResources.Apply(spec, new ResourceLimits { Ulimits = [LimitSyntax.Ulimit($"nofile=1024:{hard + 1}")] }));

        var refused = await RefusedAsync(ErrorKind.PermissionDenied, () => fixture.User.Tasks.CreateAsync("ulimit-raised", fixture.Namespace, Ct));

        Assert.Contains($"RLIMIT_NOFILE {hard + 1} is above the host's hard limit {hard}", refused.Message);
        await fixture.CreateAsync(fixture.User, "ulimit-lowered", ["true"],
            spec => SpecResources.Apply(spec, new ResourceLimits { Ulimits = [LimitSyntax.Ulimit($"nofile=256:{hard}")] }));
        await fixture.User.Tasks.CreateAsync("ulimit-lowered", fixture.Namespace, Ct);
    }
}
