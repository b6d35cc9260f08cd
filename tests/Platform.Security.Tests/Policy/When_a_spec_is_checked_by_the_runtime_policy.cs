using System.Text.Json.Nodes;
using Platform.Common.Security;
using Platform.Contracts;
using Xunit;
using static Platform.Security.Tests.Policy.PolicySpecs;

namespace Platform.Security.Tests.Policy;

/// <summary>The rule set, one rule at a time: each with a spec that keeps it and one that breaks it, refused by field.</summary>
public sealed class When_a_spec_is_checked_by_the_runtime_policy
{
    [Fact]
    public void The_default_spec_keeps_every_rule() => Passes(Default());

    [Fact]
    public void Hooks_are_refused_and_empty_hook_lists_are_not()
    {
        Passes(With(s => s["hooks"] = new JsonObject { ["prestart"] = new JsonArray() }));
        var hook = new JsonObject { ["path"] = "/bin/sh", ["args"] = new JsonArray("sh", "-c", "touch /tmp/owned") };
        var violation = Refused(With(s => s["hooks"] = new JsonObject { ["createRuntime"] = new JsonArray(hook) }), "hooks.createRuntime");
        Assert.Contains("on the host", violation.Rule);
    }

    [Fact]
    public void A_missing_namespace_is_the_hosts_and_is_refused()
    {
        Passes(With(s => s.Linux()["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "cgroup" })));
        var violation = Refused(With(s =>
        {
            var namespaces = s.Linux()["namespaces"]!.AsArray();
            namespaces.Remove(namespaces.First(n => (string?)n!["type"] == "pid"));
        }), "linux.namespaces");
        Assert.Contains("pid", violation.Rule);
    }

    [Fact]
    public void Joining_an_existing_namespace_by_path_is_refused()
    {
        var violation = Refused(With(s => s.Linux()["namespaces"]!.AsArray()[4]!["path"] = "/proc/1/ns/net"), "linux.namespaces[4].path");
        Assert.Contains("/proc/1/ns/net", violation.Rule);
    }

    [Fact]
    public void Capabilities_beyond_the_default_set_are_refused_in_every_set()
    {
        Passes(With(s => s.Process()["capabilities"]!["ambient"] = new JsonArray("CAP_KILL")));
        var spec = With(s =>
        {
            s.Process()["capabilities"]!["bounding"]!.AsArray().Add("CAP_SYS_ADMIN");
            s.Process()["capabilities"]!["ambient"] = new JsonArray("CAP_NET_ADMIN");
        });
        Assert.Contains("CAP_SYS_ADMIN is beyond the default set", Refused(spec, "process.capabilities.bounding[14]").Rule);
        Assert.Contains("CAP_NET_ADMIN", Refused(spec, "process.capabilities.ambient[0]").Rule);
    }

    [Fact]
    public void No_new_privileges_must_be_true()
    {
        Refused(With(s => s.Process()["noNewPrivileges"] = false), "process.noNewPrivileges");
        Refused(With(s => s.Process().Remove("noNewPrivileges")), "process.noNewPrivileges");
    }

    [Fact]
    public void Rlimits_may_be_lowered_but_no_hard_limit_raised_above_the_hosts()
    {
        var host = Context with { HostHardLimit = type => type == "RLIMIT_NOFILE" ? 4096UL : null };
        JsonObject Rlimit(string type, ulong hard, ulong soft) => new() { ["type"] = type, ["hard"] = hard, ["soft"] = soft };
        Passes(With(s => s.Process()["rlimits"] = new JsonArray(Rlimit("RLIMIT_NOFILE", 4096, 1024))), host);
        Passes(With(s => s.Process()["rlimits"] = new JsonArray(Rlimit("RLIMIT_NPROC", ulong.MaxValue, 100))), host); // unknown ceiling: judged by form

        var raised = Refused(With(s => s.Process()["rlimits"] = new JsonArray(Rlimit("RLIMIT_NOFILE", 1048576, 1024))), "process.rlimits[0].hard", host);
        Assert.Contains("RLIMIT_NOFILE 1048576 is above the host's hard limit 4096", raised.Rule);
        Passes(With(s => s.Process()["rlimits"] = new JsonArray(Rlimit("RLIMIT_NOFILE", 1048576, 1024)))); // where the host is not known

        Malformed(With(s => s.Process()["rlimits"] = new JsonArray(Rlimit("RLIMIT_NOFILE", 10, 20))), "process.rlimits[0].soft");
        Malformed(With(s => s.Process()["rlimits"] = new JsonArray(Rlimit("RLIMIT_BOGUS", 10, 5))), "process.rlimits[0].type");
        Malformed(With(s => s.Process()["rlimits"] = new JsonArray(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["hard"] = -1, ["soft"] = 5 })), "process.rlimits[0].hard");

        var exec = RuntimePolicy.CheckExecProcess(
            new JsonObject { ["args"] = new JsonArray("sh"), ["rlimits"] = new JsonArray(Rlimit("RLIMIT_NOFILE", 8192, 8192)) }.ToJsonString(), host.HostHardLimit);
        Assert.Contains(exec, v => v.Field == "process.rlimits[0].hard" && !v.Malformed);
    }

    [Fact]
    public void A_bind_mount_comes_only_from_an_allowed_folder()
    {
        var allowing = Context with { AllowedBindSources = ["/srv/volumes"] };
        Passes(With(s => s.Mounts().Add(Bind("/srv/volumes/web", "rbind", "nosuid", "nodev"))), allowing);
        Passes(With(s => s.Mounts().Add(Bind("/srv/volumes", "rbind", "nosuid", "nodev"))), allowing);

        var etc = Refused(With(s => s.Mounts().Add(Bind("/etc", "rbind", "nosuid", "nodev"))), "mounts[7].source", allowing);
        Assert.Contains("/etc is outside the allowed bind sources (/srv/volumes)", etc.Rule);
        Refused(With(s => s.Mounts().Add(Bind("/srv/volumes/../../etc", "rbind", "nosuid", "nodev"))), "mounts[7].source", allowing);
        Refused(With(s => s.Mounts().Add(Bind("/srv/volumes-other", "rbind", "nosuid", "nodev"))), "mounts[7].source", allowing);
        Assert.Contains("none are configured", Refused(With(s => s.Mounts().Add(Bind("/srv/volumes/web", "rbind", "nosuid", "nodev"))), "mounts[7].source").Rule);
    }

    [Fact]
    public void A_bind_source_is_judged_where_its_symlinks_lead()
    {
        var allowing = Context with { AllowedBindSources = ["/srv/volumes"], ResolveHostPath = p => p == "/srv/volumes/link" ? "/etc" : p };
        var violation = Refused(With(s => s.Mounts().Add(Bind("/srv/volumes/link", "rbind", "nosuid", "nodev"))), "mounts[7].source", allowing);
        Assert.Contains("(it is /etc)", violation.Rule);
    }

    [Fact]
    public void A_bind_mount_counts_as_one_by_its_options_whatever_its_type()
    {
        var spec = With(s => s.Mounts().Add(new JsonObject
        {
            ["destination"] = "/data", ["type"] = "tmpfs", ["source"] = "/", ["options"] = new JsonArray("rbind", "nosuid", "nodev"),
        }));
        Refused(spec, "mounts[7].source");
    }

    [Fact]
    public void A_bind_mount_must_be_nosuid_and_nodev()
    {
        var allowing = Context with { AllowedBindSources = ["/srv/volumes"] };
        Assert.Contains("nodev", Refused(With(s => s.Mounts().Add(Bind("/srv/volumes/web", "rbind", "nosuid"))), "mounts[7].options", allowing).Rule);
        Assert.Contains("nosuid", Refused(With(s => s.Mounts().Add(Bind("/srv/volumes/web", "rbind", "nosuid", "nodev", "suid"))), "mounts[7].options", allowing).Rule);
        Refused(With(s => s.Mounts().Add(Bind("/srv/volumes/web", "rbind", "nosuid", "nodev", "rdev"))), "mounts[7].options", allowing);
    }

    [Fact]
    public void Other_mounts_are_kernel_pseudo_file_systems_only()
    {
        Passes(With(s => s.Mounts().Add(new JsonObject { ["destination"] = "/run", ["type"] = "tmpfs", ["source"] = "tmpfs" })));
        Refused(With(s => s.Mounts().Add(new JsonObject { ["destination"] = "/mnt", ["type"] = "ext4", ["source"] = "/dev/sda1" })), "mounts[7].type");
        Refused(With(s => s.Mounts().Add(new JsonObject { ["destination"] = "/host-proc", ["type"] = "proc", ["source"] = "proc" })), "mounts[7].destination");
        Refused(With(s => s.Mounts()[5]!["options"] = new JsonArray("nosuid", "noexec", "nodev", "ro", "rw")), "mounts[5].options");
    }

    [Fact]
    public void The_root_is_the_containers_snapshot()
    {
        Passes(With(s => s["root"]!["path"] = "rootfs"));
        Passes(With(s => s.Remove("root")));
        Assert.Contains("\"/\" is not the container's snapshot", Refused(With(s => s["root"]!["path"] = "/"), "root.path").Rule);
        Refused(Default(), "root.path", Context with { HasSnapshot = false });
    }

    [Fact]
    public void The_cgroup_stays_under_the_namespaces_parent()
    {
        Passes(With(s => s.Linux()["cgroupsPath"] = $"/platform/{Ns}/web"));
        Assert.Contains($"outside /platform/{Ns}/", Refused(With(s => s.Linux()["cgroupsPath"] = "/platform/team-b/web"), "linux.cgroupsPath").Rule);
        Refused(With(s => s.Linux()["cgroupsPath"] = $"/platform/{Ns}/../team-b/web"), "linux.cgroupsPath");
        Refused(With(s => s.Linux()["cgroupsPath"] = $"/platform/{Ns}/"), "linux.cgroupsPath");
        Refused(With(s => s.Linux()["cgroupsPath"] = "system.slice:platform:web"), "linux.cgroupsPath");
    }

    [Fact]
    public void Devices_stay_within_the_default_set()
    {
        Passes(With(s => s.Linux()["devices"] = new JsonArray(new JsonObject { ["path"] = "/dev/fuse-not", ["type"] = "c", ["major"] = 1, ["minor"] = 3 })));
        var disk = new JsonObject { ["path"] = "/dev/sda", ["type"] = "b", ["major"] = 8, ["minor"] = 0 };
        Assert.Contains("b 8:0 (/dev/sda)", Refused(With(s => s.Linux()["devices"] = new JsonArray(disk)), "linux.devices[0]").Rule);
    }

    [Fact]
    public void Device_rules_allow_only_the_default_devices()
    {
        Passes(With(s => s.Linux()["resources"]!["devices"]!.AsArray().Add(new JsonObject { ["allow"] = true, ["type"] = "c", ["major"] = 136, ["access"] = "rw" })));
        Passes(With(s => s.Linux()["resources"]!["devices"]!.AsArray().Add(new JsonObject { ["allow"] = true, ["type"] = "b", ["access"] = "m" })));
        Refused(With(s => s.Linux()["resources"]!["devices"]!.AsArray().Add(new JsonObject { ["allow"] = true, ["access"] = "rwm" })), "linux.resources.devices[1]");
        Refused(With(s => s.Linux()["resources"]!["devices"]!.AsArray().Add(new JsonObject { ["allow"] = true, ["type"] = "c", ["major"] = 1, ["access"] = "rw" })), "linux.resources.devices[1]");
    }

    [Fact]
    public void Only_namespaced_sysctls_are_allowed()
    {
        Passes(With(s => s.Linux()["sysctl"] = new JsonObject { ["net.ipv4.ip_forward"] = "1", ["kernel.shmmax"] = "1", ["fs.mqueue.msg_max"] = "10" }));
        Refused(With(s => s.Linux()["sysctl"] = new JsonObject { ["kernel.core_pattern"] = "|/tmp/x" }), "linux.sysctl[\"kernel.core_pattern\"]");
        Refused(With(s => s.Linux()["sysctl"] = new JsonObject { ["net.ipv4/../../kernel/core_pattern"] = "|/tmp/x" }), "linux.sysctl[\"net.ipv4/../../kernel/core_pattern\"]");
    }

    [Fact]
    public void A_seccomp_profile_must_confine()
    {
        Passes(With(s => s.Linux()["seccomp"] = new JsonObject { ["defaultAction"] = "SCMP_ACT_ERRNO", ["syscalls"] = new JsonArray() }));
        Assert.Contains("unconfined", Refused(With(s => s.Linux()["seccomp"] = new JsonObject { ["defaultAction"] = "SCMP_ACT_ALLOW" }), "linux.seccomp.defaultAction").Rule);
        Refused(With(s => s.Linux()["seccomp"] = new JsonObject { ["defaultAction"] = "SCMP_ACT_ERRNO", ["listenerPath"] = "/run/agent.sock" }), "linux.seccomp.listenerPath");
    }

    [Fact]
    public void Masked_and_read_only_paths_are_kept()
    {
        Passes(With(s => s.Linux()["maskedPaths"]!.AsArray().Add("/proc/extra")));
        var unmasked = Refused(With(s => s.Linux()["maskedPaths"] = new JsonArray("/proc/acpi")), "linux.maskedPaths");
        Assert.Contains("/proc/kcore", unmasked.Rule);
        Assert.EndsWith("must stay masked", unmasked.Rule);
        Assert.Contains("/proc/sys", Refused(With(s => s.Linux().Remove("readonlyPaths")), "linux.readonlyPaths").Rule);
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_malformed()
    {
        Malformed(With(s => s.Process()["capabilities"]!["bounding"] = "CAP_SYS_ADMIN"), "process.capabilities.bounding");
        Malformed("[]", "spec");
        Malformed("{", "spec");
    }

    [Fact]
    public void A_member_runc_reads_under_another_spelling_or_twice_is_malformed()
    {
        var spec = Default();
        var linux = spec.Linux();
        spec.Remove("linux");
        spec["Linux"] = linux;
        Malformed(spec, "linux");
        Malformed(Default().ToJsonString().Replace("\"hostname\"", "\"hoo\u212As\":{\"prestart\":[{\"path\":\"/bin/true\"}]},\"hostname\""), "hooks");
        Malformed("""{"process":{"noNewPrivileges":true,"noNewPrivileges":false}}""", "process.noNewPrivileges");
    }

    [Fact]
    public void An_exec_process_inherits_what_it_leaves_out_but_may_not_add_capabilities()
    {
        Assert.Empty(RuntimePolicy.CheckExecProcess("""{"args":["sh"]}"""));
        var violation = Assert.Single(RuntimePolicy.CheckExecProcess("""{"args":["sh"],"capabilities":{"effective":["CAP_SYS_ADMIN"]}}"""));
        Assert.Equal("process.capabilities.effective[0]", violation.Field);
        Assert.Single(RuntimePolicy.CheckExecProcess("""{"args":["sh"],"noNewPrivileges":false}"""));
    }

    [Fact]
    public void A_refusal_names_the_fields_and_the_grant_that_would_lift_them()
    {
        var violations = Check(With(s => s.Process()["capabilities"]!["bounding"]!.AsArray().Add("CAP_SYS_ADMIN")));
        var refusal = RuntimePolicy.Refusal(violations, "container web", Ns);
        Assert.Equal(ErrorKind.PermissionDenied, refusal.Kind);
        Assert.Equal($"container web: process.capabilities.bounding[14]: CAP_SYS_ADMIN is beyond the default set; needs a privileged grant in namespace \"{Ns}\"", refusal.Message);

        var malformed = RuntimePolicy.Refusal(RuntimePolicy.Check("[]", Context), "container web", Ns);
        Assert.Equal(ErrorKind.InvalidArgument, malformed.Kind);
    }
}
