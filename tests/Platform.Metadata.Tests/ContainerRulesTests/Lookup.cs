using System.Text;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Metadata.Containers;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.ContainerRulesTests;

public class When_a_container_is_missing
{
    private readonly ServiceHarness _harness = new();

    private async Task AssertNotFoundAsync(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<PlatformException>(call);
        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Contains("ghost", error.Message);
        Assert.Contains("team-ns", error.Message);
    }

    [Fact]
    public async Task Should_answer_get_with_not_found_naming_namespace_and_id()
    {
        // Present in another namespace: lookups never cross namespaces.
        await _harness.CreateAsync(Samples.CreateRequest("ghost", "other-ns"));

        await AssertNotFoundAsync(() => _harness.GetAsync("ghost", "team-ns"));
    }

    [Fact]
    public async Task Should_answer_update_with_not_found_naming_namespace_and_id()
    {
        await AssertNotFoundAsync(() => _harness.UpdateAsync(new UpdateContainer { Namespace = "team-ns", Id = "ghost", UpdateMask = ["image"] }));
    }

    [Fact]
    public async Task Should_answer_delete_with_not_found_naming_namespace_and_id()
    {
        await AssertNotFoundAsync(() => _harness.Service.DeleteAsync(new DeleteContainer { Namespace = "team-ns", Id = "ghost" }, ServiceHarness.Ct));
        Assert.Empty(_harness.Store.Events);
    }

    [Fact]
    public async Task Should_answer_an_invalid_id_with_invalid_argument_not_not_found()
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => _harness.GetAsync("bad..id"));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("container id \"bad..id\"", error.Message);
    }
}

public class When_deleting_a_container
{
    [Fact]
    public async Task Should_publish_what_it_referenced_and_remove_it()
    {
        var harness = new ServiceHarness();
        var created = await harness.CreateAsync(Samples.CreateRequest("web-1", "team-ns"));

        var deleted = await harness.Service.DeleteAsync(new DeleteContainer { Namespace = "team-ns", Id = "web-1", ExpectedVersion = 1 }, ServiceHarness.Ct);

        ContainerAssert.Same(created, deleted);
        var deletedEvent = Assert.IsType<ContainerDeleted>(harness.Store.Events[^1]);
        Assert.Equal((2L, "web-1", "overlayfs", "web-1-snapshot", created.Image), (deletedEvent.Sequence, deletedEvent.Id, deletedEvent.Snapshotter, deletedEvent.SnapshotKey, deletedEvent.Image));
        Assert.Equal(ContainerAssert.Sorted(created.Labels), ContainerAssert.Sorted(deletedEvent.Labels));
        Assert.Null(await harness.Store.GetAsync("team-ns", "web-1", ServiceHarness.Ct));
    }
}

public class When_listing_containers
{
    private readonly ServiceHarness _harness = new();

    private async Task SeedAsync(params string[] ids)
    {
        foreach (var id in ids)
            await _harness.CreateAsync(Samples.CreateRequest(id));
    }

    private Task<ListContainersResult> ListAsync(ListContainers request) => _harness.Service.ListAsync(request, ServiceHarness.Ct);

    [Fact]
    public async Task Should_refuse_a_negative_limit()
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => ListAsync(new ListContainers { Limit = -1 }));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("limit", error.Message);
    }

    [Theory]
    [InlineData(0, ContainerService.DefaultPageSize)]
    [InlineData(1, 1)]
    [InlineData(ContainerService.MaxPageSize, ContainerService.MaxPageSize)]
    [InlineData(ContainerService.MaxPageSize + 1, ContainerService.MaxPageSize)]
    [InlineData(int.MaxValue, ContainerService.MaxPageSize)]
    public async Task Should_ask_the_store_for_the_default_or_capped_page_size(int requested, int expected)
    {
        await ListAsync(new ListContainers { Limit = requested });

        Assert.Equal(expected, _harness.Store.LastListLimit);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("aGVsbG8=")] // "hello": base64, but not a token this service issued
    [InlineData("YzI6d2ViLTE=")] // "c2:web-1": a prefix this service does not issue
    public async Task Should_refuse_a_continuation_token_it_did_not_issue(string token)
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => ListAsync(new ListContainers { ContinuationToken = token }));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("continuationToken", error.Message);
    }

    [Fact]
    public async Task Should_page_through_every_container_once_following_the_tokens()
    {
        await SeedAsync("e", "a", "d", "b", "c");
        var seen = new List<string>();
        var pages = 0;
        string? token = null;

        do
        {
            var page = await ListAsync(new ListContainers { Limit = 2, ContinuationToken = token });
            Assert.InRange(page.Containers.Count, 1, 2);
            seen.AddRange(page.Containers.Select(c => c.Id));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(["a", "b", "c", "d", "e"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Should_continue_after_the_id_in_a_token_it_issued()
    {
        await SeedAsync("a", "b", "c");
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("c1:a"));

        var page = await ListAsync(new ListContainers { ContinuationToken = token });

        Assert.Equal(["b", "c"], page.Containers.Select(c => c.Id));
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task Should_refuse_a_malformed_filter_showing_where_it_failed()
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => ListAsync(new ListContainers { Filters = ["labels.env=~prod"] }));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("position", error.Message);
    }

    [Fact]
    public async Task Should_refuse_an_invalid_namespace()
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => ListAsync(new ListContainers { Namespace = "bad ns" }));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("namespace", error.Message);
    }

    [Fact]
    public async Task Should_list_only_the_requested_namespace_defaulting_to_default()
    {
        await SeedAsync("a");
        await _harness.CreateAsync(Samples.CreateRequest("b", "other-ns"));

        var page = await ListAsync(new ListContainers());

        Assert.Equal(["a"], page.Containers.Select(c => c.Id));
        Assert.All(page.Containers, c => Assert.Equal(Namespaces.Default, c.Namespace));
    }
}
