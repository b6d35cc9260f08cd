using Platform.Common.Errors;
using Platform.Common.Restarts;
using Platform.Contracts;
using Xunit;

namespace Platform.Common.Tests;

public class RestartPolicyTests
{
    [Theory]
    [InlineData("no", RestartPolicyKind.No, null)]
    [InlineData("always", RestartPolicyKind.Always, null)]
    [InlineData("unless-stopped", RestartPolicyKind.UnlessStopped, null)]
    [InlineData("on-failure", RestartPolicyKind.OnFailure, null)]
    [InlineData("on-failure:5", RestartPolicyKind.OnFailure, 5)]
    public void Should_parse_docker_grammar_and_print_it_back(string text, RestartPolicyKind kind, int? max)
    {
        var policy = RestartPolicy.Parse(text);

        Assert.Equal(new RestartPolicy(kind, max), policy);
        Assert.Equal(text, policy.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("yes")]
    [InlineData("on-failure:0")]
    [InlineData("on-failure:+1")]
    [InlineData("on-failure:1x")]
    [InlineData("on-failure:99999999999")]
    [InlineData("always:3")]
    public void Should_refuse_anything_else_naming_the_flag_and_the_grammar(string text)
    {
        var error = Assert.Throws<PlatformException>(() => RestartPolicy.Parse(text, "--restart"));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith("--restart:", error.Message);
        Assert.Contains(RestartPolicy.Grammar, error.Message);
    }

    [Theory]
    [InlineData("no", 1, 0, false, false)]
    [InlineData("always", 0, 7, false, true)]
    [InlineData("always", 1, 0, true, false)]
    [InlineData("unless-stopped", 0, 0, false, true)]
    [InlineData("on-failure", 0, 0, false, false)]
    [InlineData("on-failure", 1, 100, false, true)]
    [InlineData("on-failure", null, 0, false, true)]
    [InlineData("on-failure:2", 1, 1, false, true)]
    [InlineData("on-failure:2", 1, 2, false, false)]
    [InlineData("on-failure:2", 1, 0, true, false)]
    public void Should_restart_as_docker_does(string text, int? exitStatus, int restartsSoFar, bool stoppedByUser, bool restarts)
    {
        Assert.Equal(restarts, RestartPolicy.Parse(text).RestartsAfter(exitStatus, restartsSoFar, stoppedByUser));
    }

    [Fact]
    public void Should_read_the_policy_from_a_containers_labels()
    {
        Assert.Equal(RestartPolicy.No, RestartPolicy.Of(null));
        Assert.Equal(RestartPolicy.No, RestartPolicy.Of(new Dictionary<string, string>()));
        Assert.Equal(new RestartPolicy(RestartPolicyKind.OnFailure, 3),
            RestartPolicy.Of(new Dictionary<string, string> { [RestartPolicy.Label] = "on-failure:3" }));
    }
}
