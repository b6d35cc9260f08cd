using Platform.Common.Health;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.ContainerRulesTests;

/// <summary>The health check label the task runner reads is checked on create and on update, as any field.</summary>
public class When_a_health_check_label_is_set : UpdateScenario
{
    private static UpdateContainer LabelUpdate(string value) => new()
    {
        Namespace = Ns, Id = Id, UpdateMask = ["labels." + HealthCheck.Label],
        Labels = new Dictionary<string, string> { [HealthCheck.Label] = value },
    };

    [Fact]
    public async Task Should_keep_a_valid_one_and_refuse_a_malformed_one_naming_the_label_and_rule()
    {
        await StoredAsync();

        var valid = """{"test":["CMD-SHELL","true"],"interval":"500ms","retries":2}""";
        Assert.Equal(valid, (await UpdateAsync(LabelUpdate(valid))).Labels[HealthCheck.Label]);

        var error = await RefusedAsync(LabelUpdate("""{"test":["CMD-SHELL","true"],"interval":"-1s"}"""), ErrorKind.InvalidArgument);
        Assert.Contains(HealthCheck.Label, error.Message);
        Assert.Contains("interval must be at least 1ms", error.Message);
        Assert.Equal(valid, (await Harness.CreateAsync(Samples.CreateRequest("web-2", Ns) with
        {
            Labels = new Dictionary<string, string> { [HealthCheck.Label] = valid },
        })).Labels[HealthCheck.Label]);
    }
}
