using Platform.Common.Errors;
using Platform.Common.Limits;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.ContainerRulesTests;

/// <summary>
/// Object limits: a container bigger than its limits is refused as ResourceExhausted naming the object, its size, the
/// limit and the setting; nothing is stored. A list page of big containers stops early and the rest follows.
/// </summary>
public sealed class When_a_container_passes_a_limit
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<PlatformException> Exhausted(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<PlatformException>(call);
        Assert.Equal(ErrorKind.ResourceExhausted, e.Kind);
        return e;
    }

    [Fact]
    public async Task A_spec_over_the_limit_is_refused_and_nothing_is_stored()
    {
        var harness = new ServiceHarness();
        var big = "{\"ociVersion\":\"1.1.0\",\"annotations\":{\"pad\":\"" + new string('x', 600 * 1024) + "\"}}";
        var e = await Exhausted(() => harness.CreateAsync(Samples.CreateRequest("big") with { Spec = big }));
        Assert.Contains("container big: spec is", e.Message);
        Assert.Contains("Limits:SpecBytes", e.Message);
        await Assert.ThrowsAsync<PlatformException>(() => harness.GetAsync("big"));
    }

    [Fact]
    public async Task Labels_each_within_4096_but_together_over_the_limit_are_refused()
    {
        var harness = new ServiceHarness();
        var labels = Enumerable.Range(0, 20).ToDictionary(i => $"k{i}", _ => new string('v', 4000));
        var e = await Exhausted(() => harness.CreateAsync(Samples.CreateRequest("many") with { Labels = labels }));
        Assert.Contains("Limits:LabelBytes", e.Message);
    }

    [Fact]
    public async Task An_update_that_grows_labels_past_the_limit_is_refused_and_the_stored_container_stays()
    {
        var harness = new ServiceHarness(limits: new ObjectLimits { LabelBytes = 1000 });
        await harness.CreateAsync(Samples.CreateRequest("web"));
        var e = await Exhausted(() => harness.UpdateAsync(new UpdateContainer
        {
            Id = "web", Labels = new Dictionary<string, string> { ["big"] = new string('x', 2000) }, UpdateMask = ["labels.big"],
        }));
        Assert.Contains("container web", e.Message);
        Assert.DoesNotContain("big", (await harness.GetAsync("web")).Labels.Keys);
    }

    [Fact]
    public async Task Too_many_extensions_are_refused()
    {
        var harness = new ServiceHarness();
        var extensions = Enumerable.Range(0, 33).ToDictionary(i => $"ext-{i}", _ => "x");
        var e = await Exhausted(() => harness.CreateAsync(Samples.CreateRequest("ext") with { Extensions = extensions }));
        Assert.Contains("33 extensions", e.Message);
        Assert.Contains("Limits:Extensions", e.Message);
    }

    [Fact]
    public async Task A_page_of_big_containers_stops_early_and_the_continuation_returns_the_rest()
    {
        var spec = "{\"ociVersion\":\"1.1.0\",\"annotations\":{\"pad\":\"" + new string('x', 10_000) + "\"}}";
        var harness = new ServiceHarness(limits: new ObjectLimits { PageBytes = 25_000 });
        for (var i = 0; i < 5; i++)
            await harness.CreateAsync(Samples.CreateRequest($"c{i}") with { Spec = spec });

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await harness.Service.ListAsync(new ListContainers { ContinuationToken = token }, Ct);
            Assert.InRange(page.Containers.Count, 1, 2);
            seen.AddRange(page.Containers.Select(c => c.Id));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);
        Assert.Equal(["c0", "c1", "c2", "c3", "c4"], seen);
        Assert.Equal(3, pages);
    }
}
