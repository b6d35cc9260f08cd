using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Platform.Contracts;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;
using static Platform.Security.Tests.Policy.PolicyFixture;

namespace Platform.Security.Tests.Policy;

/// <summary>
/// The runtime policy end to end, through the real broker and runc: a broker user without a grant is refused what would
/// reach the host, at CreateContainer and again at CreateTask (the runner is the last line of defence); the services'
/// own user runs the same specs, and the task's events say it ran privileged.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_an_unprivileged_user_runs_a_container(PolicyFixture fixture) : IClassFixture<PolicyFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Action<JsonObject> HookTouching(string marker) => spec => spec["hooks"] = new JsonObject
    {
        ["createRuntime"] = new JsonArray(new JsonObject { ["path"] = "/bin/sh", ["args"] = new JsonArray("sh", "-c", $"touch {marker}") }),
    };

    private static void AddSysAdmin(JsonObject spec)
    {
        foreach (var set in new[] { "bounding", "effective", "permitted" })
            spec["process"]!["capabilities"]![set]!.AsArray().Add("CAP_SYS_ADMIN");
    }

    [Fact]
    public async Task A_hook_is_refused_at_create_and_by_the_runner_and_never_runs_on_the_host()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"platform-policy-hook-{Guid.NewGuid():N}");

        var atCreate = await RefusedAsync(ErrorKind.PermissionDenied, () => fixture.CreateAsync(fixture.User, "hooked", ["true"], HookTouching(marker)));
        Assert.Contains("hooks.createRuntime", atCreate.Message);
        Assert.Contains($"privileged grant in namespace \"{fixture.Namespace}\"", atCreate.Message);

        // The services' own user may create it; the user's CreateTask still meets the runner's check.
        await fixture.CreateAsync(fixture.Service, "hooked-by-service", ["true"], HookTouching(marker));
        var atRunner = await RefusedAsync(ErrorKind.PermissionDenied, () => fixture.User.Tasks.CreateAsync("hooked-by-service", fixture.Namespace, Ct));
        Assert.Contains("hooks.createRuntime", atRunner.Message);
        Assert.Equal(atCreate.Message.Replace("container hooked:", "container hooked-by-service:"), atRunner.Message);

        await RefusedAsync(ErrorKind.NotFound, () => fixture.User.Tasks.GetAsync("hooked-by-service", fixture.Namespace, Ct));
        Assert.False(File.Exists(marker), $"the hook ran on the host: {marker} exists");
    }

    [Theory]
    [InlineData("host-pid", "linux.namespaces")]
    [InlineData("sys-admin", "process.capabilities.bounding[14]")]
    [InlineData("bind-etc", "mounts[7].source")]
    [InlineData("root-slash", "root.path")]
    [InlineData("other-cgroup", "linux.cgroupsPath")]
    [InlineData("unconfined", "linux.seccomp.defaultAction")]
    public async Task A_spec_reaching_the_host_is_refused_naming_its_field(string id, string field)
    {
        Action<JsonObject> edit = id switch
        {
            "host-pid" => spec =>
            {
                var namespaces = spec["linux"]!["namespaces"]!.AsArray();
                namespaces.Remove(namespaces.First(n => (string?)n!["type"] == "pid"));
            },
            "sys-admin" => AddSysAdmin,
            "bind-etc" => spec => spec["mounts"]!.AsArray().Add(new JsonObject
            {
                ["destination"] = "/host-etc", ["type"] = "bind", ["source"] = "/etc", ["options"] = new JsonArray("rbind", "nosuid", "nodev", "ro"),
            }),
            "root-slash" => spec => spec["root"]!["path"] = "/",
            "other-cgroup" => spec => spec["linux"]!["cgroupsPath"] = "/platform/someone-else/victim",
            "unconfined" => spec => spec["linux"]!["seccomp"] = new JsonObject { ["defaultAction"] = "SCMP_ACT_ALLOW" },
            _ => throw new ArgumentOutOfRangeException(nameof(id)),
        };

        var atCreate = await RefusedAsync(ErrorKind.PermissionDenied, () => fixture.CreateAsync(fixture.User, id, ["true"], edit));
        Assert.Contains(field + ":", atCreate.Message);

        var behind = $"{id}-svc";
        await fixture.CreateAsync(fixture.Service, behind, ["true"], edit);
        var atRunner = await RefusedAsync(ErrorKind.PermissionDenied, () => fixture.User.Tasks.CreateAsync(behind, fixture.Namespace, Ct));
        Assert.Contains(field + ":", atRunner.Message);
    }

    [Fact]
    public async Task The_hosts_network_is_refused_to_a_user_without_a_privileged_grant()
    {
        // The label is only a request: the runner decides when the task is made, with the caller's grant in hand.
        await fixture.CreateAsync(fixture.User, "host-net", ["true"], labels: new Dictionary<string, string> { [Platform.Common.Networks.NetworkLabels.Network] = "host" });

        var refused = await RefusedAsync(ErrorKind.PermissionDenied, () => fixture.User.Tasks.CreateAsync("host-net", fixture.Namespace, Ct));

        Assert.Contains("network 'host'", refused.Message);
        Assert.Contains("only privileged callers", refused.Message);
        await RefusedAsync(ErrorKind.NotFound, () => fixture.User.Tasks.GetAsync("host-net", fixture.Namespace, Ct));
    }

    [Fact]
    public async Task An_update_is_judged_only_when_it_changes_the_spec()
    {
        await fixture.CreateAsync(fixture.Service, "made-privileged", ["true"], AddSysAdmin);

        var relabelled = await fixture.User.Containers.SetLabelsAsync("made-privileged", new Dictionary<string, string?> { ["team"] = "a" }, fixture.Namespace, Ct);
        Assert.Equal("a", relabelled.Labels["team"]);

        var respec = await RefusedAsync(ErrorKind.PermissionDenied, () => fixture.User.Containers.UpdateAsync(new Contracts.Containers.UpdateContainer
        {
            Namespace = fixture.Namespace, Id = "made-privileged", UpdateMask = ["spec"], Spec = Spec("made-privileged", ["id"], AddSysAdmin),
        }, Ct));
        Assert.Contains("process.capabilities.bounding[14]: CAP_SYS_ADMIN", respec.Message);
    }

    [Fact]
    public async Task A_default_spec_runs_under_the_default_seccomp_profile_without_new_privileges()
    {
        await fixture.CreateAsync(fixture.User, "confined", ["cat", "/proc/self/status"]);
        var created = await fixture.User.Tasks.CreateAsync("confined", fixture.Namespace, Ct);
        await fixture.User.Tasks.StartAsync("confined", fixture.Namespace, Ct);

        Assert.Equal(0, (await fixture.WaitAsync(fixture.User, "confined")).ExitStatus);
        var status = await fixture.OutputAsync(fixture.User, "confined");
        Assert.Matches(@"(?m)^Seccomp:\s+2$", status);
        Assert.Matches(@"(?m)^NoNewPrivs:\s+1$", status);
        Assert.True(created.Pid > 0);
        await Eventually.TrueAsync(() => fixture.Events.OfType<TaskStarted>().Any(e => e.ContainerId == "confined"), Ct, because: "TaskStarted is published");
        Assert.False(fixture.EventOf<TaskCreated>("confined").Privileged);
        Assert.False(fixture.EventOf<TaskStarted>("confined").Privileged);
    }

    [Fact]
    public async Task An_exec_adding_capabilities_is_refused_and_a_plain_one_runs()
    {
        await fixture.CreateAsync(fixture.User, "exec-target", ["sleep", "30"]);
        await fixture.User.Tasks.CreateAsync("exec-target", fixture.Namespace, Ct);
        await fixture.User.Tasks.StartAsync("exec-target", fixture.Namespace, Ct);
        try
        {
            var refused = await RefusedAsync(ErrorKind.PermissionDenied, () => fixture.User.Tasks.ExecAsync("exec-target", "admin",
                """{"args":["true"],"capabilities":{"bounding":["CAP_SYS_ADMIN"],"effective":["CAP_SYS_ADMIN"],"permitted":["CAP_SYS_ADMIN"]}}""",
                fixture.Namespace, Ct));
            Assert.Contains("exec process admin of container exec-target: process.capabilities.bounding[0]: CAP_SYS_ADMIN", refused.Message);

            var plain = await fixture.User.Tasks.ExecAsync("exec-target", "plain", """{"args":["true"]}""", fixture.Namespace, Ct);
            Assert.True(plain.Pid > 0);
        }
        finally
        {
            await fixture.Service.Tasks.DeleteAsync("exec-target", force: true, @namespace: fixture.Namespace, cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task The_services_own_user_runs_the_refused_spec_and_its_events_say_privileged()
    {
        await fixture.CreateAsync(fixture.Service, "admin-task", ["sleep", "30"], AddSysAdmin);
        await fixture.Service.Tasks.CreateAsync("admin-task", fixture.Namespace, Ct);
        await fixture.Service.Tasks.StartAsync("admin-task", fixture.Namespace, Ct);
        try
        {
            await Eventually.TrueAsync(() => fixture.Events.OfType<TaskStarted>().Any(e => e.ContainerId == "admin-task"), Ct, because: "TaskStarted is published");
            Assert.True(fixture.EventOf<TaskCreated>("admin-task").Privileged);
            Assert.True(fixture.EventOf<TaskStarted>("admin-task").Privileged);

            // A process in a privileged task would share its grant: an unprivileged user may not start one.
            var refused = await RefusedAsync(ErrorKind.PermissionDenied, () => fixture.User.Tasks.ExecAsync("admin-task", "sneak", """{"args":["true"]}""", fixture.Namespace, Ct));
            Assert.Contains("runs privileged", refused.Message);
            var allowed = await fixture.Service.Tasks.ExecAsync("admin-task", "admin", """{"args":["true"]}""", fixture.Namespace, Ct);
            Assert.True(allowed.Pid > 0);
        }
        finally
        {
            await fixture.Service.Tasks.DeleteAsync("admin-task", force: true, @namespace: fixture.Namespace, cancellationToken: Ct);
        }
    }
}
