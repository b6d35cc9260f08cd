using Platform.Common.Errors;
using Platform.Common.Restarts;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.ContainerRulesTests;

/// <summary>The restart policy label (<c>platform.io/restart.policy</c>) and count label are checked on create and update.</summary>
public class When_a_container_carries_restart_labels
{
    [Theory]
    [InlineData("no")]
    [InlineData("always")]
    [InlineData("unless-stopped")]
    [InlineData("on-failure")]
    [InlineData("on-failure:3")]
    public async Task Should_accept_a_policy_in_docker_grammar(string policy)
    {
        var harness = new ServiceHarness();

        var created = await harness.CreateAsync(Samples.CreateRequest("web", "team-ns") with
        {
            Labels = new Dictionary<string, string> { [RestartPolicy.Label] = policy, [RestartPolicy.CountLabel] = "0" },
        });

        Assert.Equal(policy, created.Labels[RestartPolicy.Label]);
    }

    [Theory]
    [InlineData("sometimes")]
    [InlineData("on-failure:0")]
    [InlineData("on-failure:-1")]
    [InlineData("on-failure:")]
    [InlineData("Always")]
    public async Task Should_refuse_any_other_policy_on_create_naming_the_label_and_the_grammar(string policy)
    {
        var harness = new ServiceHarness();

        var error = await Assert.ThrowsAsync<PlatformException>(() => harness.CreateAsync(Samples.CreateRequest("web", "team-ns") with
        {
            Labels = new Dictionary<string, string> { [RestartPolicy.Label] = policy },
        }));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(RestartPolicy.Label, error.Message);
        Assert.Contains(RestartPolicy.Grammar, error.Message);
    }

    [Fact]
    public async Task Should_refuse_a_bad_policy_or_count_on_a_label_update()
    {
        var harness = new ServiceHarness();
        await harness.CreateAsync(Samples.CreateRequest("web", "team-ns"));

        var policy = await Assert.ThrowsAsync<PlatformException>(() => harness.UpdateAsync(new UpdateContainer
        {
            Namespace = "team-ns", Id = "web", UpdateMask = ["labels." + RestartPolicy.Label],
            Labels = new Dictionary<string, string> { [RestartPolicy.Label] = "forever" },
        }));
        var count = await Assert.ThrowsAsync<PlatformException>(() => harness.UpdateAsync(new UpdateContainer
        {
            Namespace = "team-ns", Id = "web", UpdateMask = ["labels." + RestartPolicy.CountLabel],
            Labels = new Dictionary<string, string> { [RestartPolicy.CountLabel] = "-2" },
        }));

        Assert.Equal(ErrorKind.InvalidArgument, policy.Kind);
        Assert.Contains(RestartPolicy.Label, policy.Message);
        Assert.Equal(ErrorKind.InvalidArgument, count.Kind);
        Assert.Contains(RestartPolicy.CountLabel, count.Message);
        Assert.DoesNotContain(RestartPolicy.Label, (await harness.GetAsync("web", "team-ns")).Labels.Keys);
    }
}
