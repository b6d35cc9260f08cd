using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.ContainerRulesTests;

public class When_a_create_request_has_several_faults
{
    private const int Taken = 7;

    // Faults in containerd's create order. A request built with faultsFrom = n has every fault from n on and none
    // before it, so the error must name fault n: the earlier checks pass and the later faults must not win.
    private static CreateContainer RequestWithFaultsFrom(int faultsFrom) => new()
    {
        Namespace = faultsFrom > 0 ? "team-ns" : "-team-ns",
        Id = faultsFrom > 1 ? "taken" : "taken-",
        Extensions = faultsFrom > 2 ? new Dictionary<string, string> { ["ok"] = "1" } : new Dictionary<string, string> { [""] = "1" },
        Labels = faultsFrom > 3 ? new Dictionary<string, string> { ["big"] = "v" } : new Dictionary<string, string> { ["big"] = new string('v', 4096) },
        Runtime = new RuntimeInfo { Name = faultsFrom > 4 ? Samples.Runtime : " " },
        Spec = faultsFrom > 5 ? "{}" : "[]",
        SnapshotKey = "rootfs",
        Snapshotter = faultsFrom > 6 ? "overlayfs" : null,
    };

    [Theory]
    [InlineData(0, "namespace \"-team-ns\" is invalid")]
    [InlineData(1, "container id \"taken-\" is invalid")]
    [InlineData(2, "extension key must not be empty")]
    [InlineData(3, "label key and value are 4099 bytes together")]
    [InlineData(4, "runtime.name must be set")]
    [InlineData(5, "spec must be a JSON object")]
    [InlineData(6, "snapshotter must be set when a snapshot key is set")]
    public async Task Should_report_the_first_fault_in_containerd_order(int firstFault, string expectedMessage)
    {
        var harness = new ServiceHarness();
        harness.Store.Seed(Samples.Minimal("team-ns", "taken"));

        var error = await Assert.ThrowsAsync<PlatformException>(() => harness.CreateAsync(RequestWithFaultsFrom(firstFault)));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(expectedMessage, error.Message);
    }

    [Fact]
    public async Task Should_report_an_existing_id_only_once_the_request_is_valid()
    {
        var harness = new ServiceHarness();
        harness.Store.Seed(Samples.Minimal("team-ns", "taken"));

        var error = await Assert.ThrowsAsync<PlatformException>(() => harness.CreateAsync(RequestWithFaultsFrom(Taken)));

        Assert.Equal(ErrorKind.AlreadyExists, error.Kind);
        Assert.Contains("taken", error.Message);
        Assert.Contains("team-ns", error.Message);
        Assert.Empty(harness.Store.Events);
    }
}

public class When_creating_a_container
{
    private readonly ServiceHarness _harness = new();

    [Fact]
    public async Task Should_store_the_request_with_server_timestamps_and_version_1()
    {
        var request = Samples.CreateRequest("web-1", "team-ns");

        var created = await _harness.CreateAsync(request);

        Assert.Equal("team-ns", created.Namespace);
        Assert.Equal(Samples.Epoch, created.CreatedAt);
        Assert.Equal(created.CreatedAt, created.UpdatedAt);
        Assert.Equal(1, created.Version);
        Assert.Equal(ContainerAssert.Sorted(request.Labels!), ContainerAssert.Sorted(created.Labels));
        Assert.Equal(ContainerAssert.Sorted(request.Extensions!), ContainerAssert.Sorted(created.Extensions));
        Assert.Equal(request.Runtime!.Options, created.Runtime.Options);
        ContainerAssert.Same(created, await _harness.GetAsync("web-1", "team-ns"));
        var createdEvent = Assert.IsType<ContainerCreated>(Assert.Single(_harness.Store.Events));
        Assert.Equal(1, createdEvent.Sequence);
        Assert.Equal("team-ns", createdEvent.Namespace);
    }

    [Fact]
    public async Task Should_put_a_request_without_a_namespace_in_the_default_namespace()
    {
        var created = await _harness.CreateAsync(Samples.CreateRequest("web-1") with { Namespace = null });

        Assert.Equal(Namespaces.Default, created.Namespace);
        ContainerAssert.Same(created, await _harness.GetAsync("web-1", Namespaces.Default));
    }

    [Fact]
    public async Task Should_accept_a_label_whose_key_and_value_are_exactly_4096_bytes()
    {
        // "é" is two UTF-8 bytes: the limit counts bytes, not characters.
        var labels = new Dictionary<string, string> { ["owner"] = new string('v', 4096 - 5), ["é"] = new string('é', 2047) };

        var created = await _harness.CreateAsync(Samples.CreateRequest("web-1") with { Labels = labels });

        Assert.Equal(ContainerAssert.Sorted(labels), ContainerAssert.Sorted(created.Labels));
    }

    [Fact]
    public async Task Should_refuse_a_label_one_byte_over_4096_naming_the_key_cut_to_64_bytes()
    {
        var key = "example.com/" + new string('k', 100);
        var labels = new Dictionary<string, string> { ["ok"] = "1", [key] = new string('v', 4097 - key.Length) };

        var error = await Assert.ThrowsAsync<PlatformException>(() => _harness.CreateAsync(Samples.CreateRequest("web-1") with { Labels = labels }));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("4097 bytes", error.Message);
        Assert.Contains($"(key: \"{key[..64]}\")", error.Message);
        Assert.Empty(_harness.Store.Events);
    }

    [Fact]
    public async Task Should_drop_labels_with_empty_values()
    {
        var labels = new Dictionary<string, string> { ["kept"] = "yes", ["dropped"] = "" };

        var created = await _harness.CreateAsync(Samples.CreateRequest("web-1") with { Labels = labels });

        Assert.Equal([new("kept", "yes")], ContainerAssert.Sorted(created.Labels));
        Assert.False((await _harness.GetAsync("web-1")).Labels.ContainsKey("dropped"));
    }

    [Theory]
    [InlineData("{\"ociVersion\": ", "spec is not valid JSON")]
    [InlineData("not json at all", "spec is not valid JSON")]
    [InlineData("{} trailing", "spec is not valid JSON")]
    [InlineData("[1, 2]", "spec must be a JSON object, not array")]
    [InlineData("\"a string\"", "spec must be a JSON object, not string")]
    [InlineData("42", "spec must be a JSON object, not number")]
    [InlineData("null", "spec must be a JSON object, not null")]
    [InlineData("", "spec must be set")]
    [InlineData("   ", "spec must be set")]
    [InlineData(null, "spec must be set")]
    public async Task Should_refuse_a_spec_that_is_not_a_json_object(string? spec, string expectedMessage)
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => _harness.CreateAsync(Samples.CreateRequest("web-1") with { Spec = spec }));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(expectedMessage, error.Message);
        Assert.Empty(_harness.Store.Events);
    }

    [Fact]
    public async Task Should_keep_the_spec_text_verbatim()
    {
        const string spec = "{ \"ociVersion\" : \"1.2.0\",\n  \"annotations\": {\"b\": \"2\", \"a\": \"1\"} }";

        var created = await _harness.CreateAsync(Samples.CreateRequest("web-1") with { Spec = spec });

        Assert.Equal(spec, created.Spec);
    }

    [Fact]
    public async Task Should_refuse_a_missing_runtime()
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => _harness.CreateAsync(Samples.CreateRequest("web-1") with { Runtime = null }));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("runtime.name must be set", error.Message);
    }

    [Fact]
    public async Task Should_accept_a_snapshotter_without_a_snapshot_key()
    {
        var created = await _harness.CreateAsync(Samples.CreateRequest("web-1") with { SnapshotKey = null });

        Assert.Equal("overlayfs", created.Snapshotter);
        Assert.Null(created.SnapshotKey);
    }
}
