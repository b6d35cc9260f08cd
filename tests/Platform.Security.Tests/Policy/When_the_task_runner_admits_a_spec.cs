using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.TaskRunner;
using Platform.TaskRunner.Policy;
using Xunit;
using static Platform.Security.Tests.Policy.PolicySpecs;

namespace Platform.Security.Tests.Policy;

/// <summary>The runner's side of the policy: who may break the rules, and the seccomp profile a spec without one gets.</summary>
public sealed class When_the_task_runner_admits_a_spec : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("platform-policy-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private TaskPolicy Policy(string profilePath)
    {
        var options = Options.Create(new TaskRunnerOptions { SeccompProfile = profilePath });
        return new TaskPolicy(options, new DefaultSeccompProfile(options, NullLogger<DefaultSeccompProfile>.Instance), NullLogger<TaskPolicy>.Instance);
    }

    private string Profile()
    {
        var path = Path.Combine(_folder, "seccomp.json");
        File.WriteAllText(path, """
            {"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"syscalls":[
              {"names":["read","write"],"action":"SCMP_ACT_ALLOW"},
              {"names":["bpf"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}
            """);
        return path;
    }

    private static JsonObject Seccomp(AdmittedSpec admitted) => JsonNode.Parse(admitted.SpecJson)!["linux"]!["seccomp"]!.AsObject();

    [Fact]
    public void A_spec_without_seccomp_gets_the_default_profile_for_its_capabilities()
    {
        var admitted = Policy(Profile()).AdmitTask(Ns, "web", Default().ToJsonString(), hasSnapshot: true, privileged: false);

        Assert.False(admitted.Privileged);
        Assert.Equal("SCMP_ACT_ERRNO", (string?)Seccomp(admitted)["defaultAction"]);
        Assert.DoesNotContain("bpf", Seccomp(admitted).ToJsonString());
    }

    [Fact]
    public void A_spec_with_its_own_confining_profile_keeps_it()
    {
        var own = new JsonObject { ["defaultAction"] = "SCMP_ACT_KILL", ["syscalls"] = new JsonArray() };

        var admitted = Policy(Profile()).AdmitTask(Ns, "web", With(s => s.Linux()["seccomp"] = own).ToJsonString(), hasSnapshot: true, privileged: false);

        Assert.Equal("SCMP_ACT_KILL", (string?)Seccomp(admitted)["defaultAction"]);
    }

    [Fact]
    public void A_privileged_caller_may_break_the_rules_and_the_task_says_so()
    {
        var spec = With(s => s.Process()["capabilities"]!["bounding"]!.AsArray().Add("CAP_SYS_ADMIN")).ToJsonString();
        var policy = Policy(Profile());

        var refused = Assert.Throws<PlatformException>(() => policy.AdmitTask(Ns, "web", spec, hasSnapshot: true, privileged: false));
        Assert.Equal(ErrorKind.PermissionDenied, refused.Kind);
        var admitted = policy.AdmitTask(Ns, "web", spec, hasSnapshot: true, privileged: true);
        Assert.True(admitted.Privileged);
        Assert.Contains("bpf", Seccomp(admitted).ToJsonString());
    }

    [Fact]
    public void Without_the_profile_file_an_unprivileged_task_is_refused_and_a_privileged_one_runs_unconfined()
    {
        var missing = Path.Combine(_folder, "absent.json");
        var policy = Policy(missing);

        var refused = Assert.Throws<PlatformException>(() => policy.AdmitTask(Ns, "web", Default().ToJsonString(), hasSnapshot: true, privileged: false));
        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        Assert.Contains(missing, refused.Message);

        var admitted = policy.AdmitTask(Ns, "web", Default().ToJsonString(), hasSnapshot: true, privileged: true);
        Assert.True(admitted.Privileged);
        Assert.Null(JsonNode.Parse(admitted.SpecJson)!["linux"]!["seccomp"]);
    }

    [Fact]
    public void An_unprivileged_exec_into_a_privileged_task_is_refused()
    {
        var policy = Policy(Profile());
        policy.AdmitExec(Ns, "web", "probe", """{"args":["true"]}""", taskPrivileged: false, privileged: false);

        var refused = Assert.Throws<PlatformException>(() => policy.AdmitExec(Ns, "web", "probe", """{"args":["true"]}""", taskPrivileged: true, privileged: false));
        Assert.Equal(ErrorKind.PermissionDenied, refused.Kind);
        policy.AdmitExec(Ns, "web", "probe", """{"args":["true"]}""", taskPrivileged: true, privileged: true);
    }
}
