using System.Text.Json.Nodes;
using Platform.Common.Security;
using Platform.TaskRunner.Policy;
using Platform.Testing;
using Xunit;

namespace Platform.Security.Tests.Policy;

/// <summary>docker's profile format into the OCI spec's linux.seccomp, for one machine and one capability set.</summary>
public sealed class When_a_seccomp_profile_is_converted
{
    private static readonly SeccompTarget Amd64 = new("amd64", "SCMP_ARCH_X86_64", new Version(6, 1));

    private static JsonObject Profile(params JsonObject[] syscalls) => new()
    {
        ["defaultAction"] = "SCMP_ACT_ERRNO",
        ["defaultErrnoRet"] = 38,
        ["archMap"] = new JsonArray(
            new JsonObject { ["architecture"] = "SCMP_ARCH_X86_64", ["subArchitectures"] = new JsonArray("SCMP_ARCH_X86", "SCMP_ARCH_X32") },
            new JsonObject { ["architecture"] = "SCMP_ARCH_AARCH64", ["subArchitectures"] = new JsonArray("SCMP_ARCH_ARM") }),
        ["syscalls"] = new JsonArray([.. syscalls]),
    };

    private static JsonObject Rule(string name, JsonObject? includes = null, JsonObject? excludes = null, string action = "SCMP_ACT_ALLOW") => new()
    {
        ["names"] = new JsonArray(name), ["action"] = action, ["comment"] = "", ["includes"] = includes ?? [], ["excludes"] = excludes ?? [],
    };

    private static List<string> Names(JsonObject converted, string action = "SCMP_ACT_ALLOW") =>
        [.. converted["syscalls"]!.AsArray().Where(r => (string?)r!["action"] == action).SelectMany(r => r!["names"]!.AsArray().Select(n => (string)n!))];

    [Fact]
    public void Should_keep_the_default_action_and_the_machines_architectures()
    {
        var converted = SeccompConverter.ToOci(Profile(Rule("read")), Amd64, []);

        Assert.Equal("SCMP_ACT_ERRNO", (string?)converted["defaultAction"]);
        Assert.Equal(38, (int)converted["defaultErrnoRet"]!);
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], converted["architectures"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(["read"], Names(converted));
        Assert.Null(converted["syscalls"]![0]!["comment"]);
    }

    [Fact]
    public void Should_keep_a_rule_that_needs_capabilities_only_when_the_process_has_them_all()
    {
        var profile = Profile(
            Rule("bpf", includes: new JsonObject { ["caps"] = new JsonArray("CAP_SYS_ADMIN") }),
            Rule("bpf", excludes: new JsonObject { ["caps"] = new JsonArray("CAP_SYS_ADMIN") }, action: "SCMP_ACT_ERRNO"));

        var plain = SeccompConverter.ToOci(profile, Amd64, RuntimeDefaults.Capabilities.ToList());
        var admin = SeccompConverter.ToOci(profile, Amd64, [.. RuntimeDefaults.Capabilities, "CAP_SYS_ADMIN"]);

        Assert.Empty(Names(plain));
        Assert.Equal(["bpf"], Names(plain, "SCMP_ACT_ERRNO"));
        Assert.Equal(["bpf"], Names(admin));
        Assert.Empty(Names(admin, "SCMP_ACT_ERRNO"));
    }

    [Fact]
    public void Should_keep_a_rule_for_other_architectures_or_newer_kernels_out()
    {
        var profile = Profile(
            Rule("arch_prctl", includes: new JsonObject { ["arches"] = new JsonArray("amd64", "x32") }),
            Rule("arm_fadvise64_64", includes: new JsonObject { ["arches"] = new JsonArray("arm", "arm64") }),
            Rule("modify_ldt", excludes: new JsonObject { ["arches"] = new JsonArray("amd64") }),
            Rule("old_enough", includes: new JsonObject { ["minKernel"] = "5.8" }),
            Rule("too_new", includes: new JsonObject { ["minKernel"] = "6.2" }),
            new JsonObject { ["name"] = "single", ["action"] = "SCMP_ACT_ALLOW" });

        var converted = SeccompConverter.ToOci(profile, Amd64, []);

        Assert.Equal(["arch_prctl", "old_enough", "single"], Names(converted));
    }

    [Fact]
    public void Should_carry_argument_conditions_and_errno()
    {
        var rule = Rule("personality");
        rule["args"] = new JsonArray(new JsonObject { ["index"] = 0, ["value"] = 4294967295L, ["valueTwo"] = 0, ["op"] = "SCMP_CMP_EQ" });
        rule["errnoRet"] = 1;
        rule["errno"] = "EPERM";

        var converted = SeccompConverter.ToOci(Profile(rule), Amd64, [])["syscalls"]![0]!;

        Assert.Equal(4294967295L, (long)converted["args"]![0]!["value"]!);
        Assert.Equal("SCMP_CMP_EQ", (string?)converted["args"]![0]!["op"]);
        Assert.Equal(1, (int)converted["errnoRet"]!);
        Assert.Null(converted["errno"]);
    }

    [Fact]
    public void Should_convert_the_shipped_default_profile_so_that_capabilities_decide_what_is_allowed()
    {
        const string shipped = "/usr/share/containers/seccomp.json";
        if (!File.Exists(shipped))
        {
            var message = $"{shipped} is missing: `./build.sh test` installs golang-github-containers-common";
            if (Requirements.InCi)
                Assert.Fail(message);
            Assert.Skip(message);
        }
        var profile = JsonNode.Parse(File.ReadAllText(shipped))!.AsObject();

        var plain = SeccompConverter.ToOci(profile, SeccompTarget.Host, RuntimeDefaults.Capabilities.ToList());
        var admin = SeccompConverter.ToOci(profile, SeccompTarget.Host, [.. RuntimeDefaults.Capabilities, "CAP_SYS_ADMIN"]);

        Assert.Equal("SCMP_ACT_ERRNO", (string?)plain["defaultAction"]);
        Assert.Contains("read", Names(plain));
        Assert.DoesNotContain("bpf", Names(plain));
        Assert.Contains("bpf", Names(plain, "SCMP_ACT_ERRNO"));
        Assert.Contains("bpf", Names(admin));
        Assert.DoesNotContain("kexec_load", Names(admin));
    }
}
