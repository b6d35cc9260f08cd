using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.ContainerRulesTests;

/// <summary>Shared set-up: one fully populated container, stored through the service.</summary>
public abstract class UpdateScenario
{
    protected const string Ns = "team-ns";
    protected const string Id = "web-1";

    protected ServiceHarness Harness { get; } = new();

    protected async Task<Container> StoredAsync()
    {
        var created = await Harness.CreateAsync(Samples.CreateRequest(Id, Ns));
        Harness.Clock.Advance(TimeSpan.FromSeconds(1));
        return created;
    }

    /// <summary>A request that differs from the stored container in every field a request can carry.</summary>
    protected static UpdateContainer EverythingDifferent(params string[] mask) => new()
    {
        Namespace = Ns,
        Id = Id,
        UpdateMask = mask,
        Labels = new Dictionary<string, string> { ["env"] = "dev", ["new"] = "1" },
        Image = "docker.io/library/redis:7",
        Runtime = new RuntimeInfo { Name = Samples.Runtime, Options = """{"BinaryName":"crun"}""" },
        Spec = """{"ociVersion":"1.1.0"}""",
        Snapshotter = "overlayfs",
        SnapshotKey = "other-snapshot",
        Extensions = new Dictionary<string, string> { ["ext-a"] = "changed", ["ext-c"] = "c" },
    };

    protected Task<Container> UpdateAsync(UpdateContainer request) => Harness.UpdateAsync(request);

    protected async Task<PlatformException> RefusedAsync(UpdateContainer request, ErrorKind kind)
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => Harness.UpdateAsync(request));
        Assert.Equal(kind, error.Kind);
        return error;
    }
}

public class When_updating_without_a_mask : UpdateScenario
{
    [Fact]
    public async Task Should_replace_labels_spec_extensions_image_and_snapshot_key()
    {
        var stored = await StoredAsync();
        var request = EverythingDifferent();

        var updated = await UpdateAsync(request);

        Assert.Equal(ContainerAssert.Sorted(request.Labels!), ContainerAssert.Sorted(updated.Labels));
        Assert.Equal(request.Spec, updated.Spec);
        Assert.Equal(ContainerAssert.Sorted(request.Extensions!), ContainerAssert.Sorted(updated.Extensions));
        Assert.Equal(request.Image, updated.Image);
        Assert.Equal(request.SnapshotKey, updated.SnapshotKey);
        // Not among the replaced fields: the runtime options stay as stored.
        Assert.Equal(stored.Runtime.Options, updated.Runtime.Options);
        ContainerAssert.Same(updated, await Harness.GetAsync(Id, Ns));
    }

    [Fact]
    public async Task Should_treat_an_empty_mask_as_no_mask()
    {
        await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent() with { UpdateMask = [] });

        Assert.Equal("docker.io/library/redis:7", updated.Image);
        Assert.Equal("other-snapshot", updated.SnapshotKey);
    }

    [Fact]
    public async Task Should_really_remove_extensions_the_request_lacks()
    {
        await StoredAsync();

        await UpdateAsync(EverythingDifferent() with { Extensions = new Dictionary<string, string> { ["ext-a"] = "a" } });

        var reread = await Harness.GetAsync(Id, Ns);
        Assert.Equal([new("ext-a", "a")], ContainerAssert.Sorted(reread.Extensions));
    }

    [Fact]
    public async Task Should_clear_image_snapshot_key_labels_and_extensions_the_request_leaves_out()
    {
        await StoredAsync();

        await UpdateAsync(EverythingDifferent() with { Labels = null, Image = null, SnapshotKey = null, Extensions = null });

        var reread = await Harness.GetAsync(Id, Ns);
        Assert.Empty(reread.Labels);
        Assert.Null(reread.Image);
        Assert.Null(reread.SnapshotKey);
        Assert.Empty(reread.Extensions);
    }

    [Fact]
    public async Task Should_drop_labels_with_empty_values()
    {
        await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent() with { Labels = new Dictionary<string, string> { ["kept"] = "1", ["gone"] = "" } });

        Assert.Equal([new("kept", "1")], ContainerAssert.Sorted(updated.Labels));
    }

    [Theory]
    [InlineData("io.containerd.runsc.v1")]
    [InlineData("")]
    [InlineData(null)]
    public async Task Should_refuse_a_different_runtime_name(string? runtimeName)
    {
        await StoredAsync();
        var request = EverythingDifferent() with { Runtime = runtimeName is null ? null : new RuntimeInfo { Name = runtimeName } };

        var error = await RefusedAsync(request, ErrorKind.InvalidArgument);

        Assert.Contains("runtime.name cannot be changed", error.Message);
        Assert.Equal(1, (await Harness.GetAsync(Id, Ns)).Version);
    }

    [Theory]
    [InlineData("native")]
    [InlineData(null)]
    public async Task Should_refuse_a_different_snapshotter(string? snapshotter)
    {
        await StoredAsync();

        var error = await RefusedAsync(EverythingDifferent() with { Snapshotter = snapshotter }, ErrorKind.InvalidArgument);

        Assert.Contains("snapshotter cannot be changed", error.Message);
        Assert.Equal(1, (await Harness.GetAsync(Id, Ns)).Version);
    }

    [Fact]
    public async Task Should_validate_the_result_like_a_create()
    {
        await StoredAsync();

        var error = await RefusedAsync(EverythingDifferent() with { Spec = "[]" }, ErrorKind.InvalidArgument);

        Assert.Contains("spec must be a JSON object", error.Message);
    }
}

public class When_updating_with_a_mask : UpdateScenario
{
    [Fact]
    public async Task Should_take_only_the_masked_field_from_the_request_and_the_rest_from_the_stored_container()
    {
        var stored = await StoredAsync();
        var request = EverythingDifferent("image") with { Runtime = null, Snapshotter = null };

        var updated = await UpdateAsync(request);

        var expected = stored with { Image = request.Image, UpdatedAt = Harness.Clock.Now, Version = 2 };
        ContainerAssert.Same(expected, updated);
        ContainerAssert.Same(expected, await Harness.GetAsync(Id, Ns));
    }

    [Fact]
    public async Task Should_replace_the_whole_label_map_for_labels()
    {
        var stored = await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent("labels"));

        ContainerAssert.Same(stored with { Labels = EverythingDifferent().Labels!, UpdatedAt = Harness.Clock.Now, Version = 2 }, updated);
    }

    [Fact]
    public async Task Should_set_one_label_and_keep_the_others_for_labels_dot_key()
    {
        await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent("labels.new"));

        Assert.Equal(
            [new("env", "prod"), new("example.com/owner", "team-a"), new("new", "1")],
            ContainerAssert.Sorted(updated.Labels));
    }

    [Fact]
    public async Task Should_take_everything_after_the_first_labels_dot_as_the_key()
    {
        await StoredAsync();
        var request = EverythingDifferent("labels.example.com/owner", "labels.labels.x") with
        {
            Labels = new Dictionary<string, string> { ["example.com/owner"] = "team-b", ["labels.x"] = "nested" },
        };

        var updated = await UpdateAsync(request);

        Assert.Equal(
            [new("env", "prod"), new("example.com/owner", "team-b"), new("labels.x", "nested")],
            ContainerAssert.Sorted(updated.Labels));
    }

    [Fact]
    public async Task Should_delete_a_label_whose_masked_value_is_empty()
    {
        await StoredAsync();
        var request = EverythingDifferent("labels.env") with { Labels = new Dictionary<string, string> { ["env"] = "" } };

        var updated = await UpdateAsync(request);

        Assert.Equal([new("example.com/owner", "team-a")], ContainerAssert.Sorted(updated.Labels));
    }

    [Fact]
    public async Task Should_delete_a_label_whose_masked_value_is_absent()
    {
        await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent("labels.example.com/owner") with { Labels = null });

        Assert.Equal([new("env", "prod")], ContainerAssert.Sorted(updated.Labels));
    }

    [Fact]
    public async Task Should_refuse_a_masked_label_over_4096_bytes()
    {
        await StoredAsync();
        var request = EverythingDifferent("labels.big") with { Labels = new Dictionary<string, string> { ["big"] = new string('v', 4094) } };

        var error = await RefusedAsync(request, ErrorKind.InvalidArgument);

        Assert.Contains("(key: \"big\")", error.Message);
        Assert.Equal(1, (await Harness.GetAsync(Id, Ns)).Version);
    }

    [Fact]
    public async Task Should_replace_the_spec_for_spec()
    {
        var stored = await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent("spec"));

        ContainerAssert.Same(stored with { Spec = """{"ociVersion":"1.1.0"}""", UpdatedAt = Harness.Clock.Now, Version = 2 }, updated);
    }

    [Fact]
    public async Task Should_refuse_a_masked_spec_that_is_not_a_json_object()
    {
        await StoredAsync();

        var error = await RefusedAsync(EverythingDifferent("spec") with { Spec = "{oops" }, ErrorKind.InvalidArgument);

        Assert.Contains("spec is not valid JSON", error.Message);
    }

    [Fact]
    public async Task Should_ignore_a_broken_spec_outside_the_mask()
    {
        var stored = await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent("image") with { Spec = "{oops" });

        Assert.Equal(stored.Spec, updated.Spec);
    }

    [Fact]
    public async Task Should_clear_the_image_when_the_masked_image_is_empty()
    {
        await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent("image") with { Image = "" });

        Assert.Null(updated.Image);
    }

    [Fact]
    public async Task Should_move_the_snapshot_key_for_snapshotkey()
    {
        var stored = await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent("snapshotkey"));

        ContainerAssert.Same(stored with { SnapshotKey = "other-snapshot", UpdatedAt = Harness.Clock.Now, Version = 2 }, updated);
        var updatedEvent = Assert.IsType<ContainerUpdated>(Harness.Store.Events[^1]);
        Assert.Equal(stored.SnapshotKey, updatedEvent.PreviousSnapshotKey);
    }

    [Fact]
    public async Task Should_refuse_a_snapshot_key_on_a_container_without_a_snapshotter()
    {
        await Harness.CreateAsync(Samples.CreateRequest(Id, Ns) with { Snapshotter = null, SnapshotKey = null });

        var error = await RefusedAsync(EverythingDifferent("snapshotkey"), ErrorKind.InvalidArgument);

        Assert.Contains("snapshotter must be set when a snapshot key is set", error.Message);
    }

    [Fact]
    public async Task Should_replace_the_whole_extension_map_for_extensions()
    {
        var stored = await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent("extensions"));

        ContainerAssert.Same(stored with { Extensions = EverythingDifferent().Extensions!, UpdatedAt = Harness.Clock.Now, Version = 2 }, updated);
    }

    [Fact]
    public async Task Should_set_one_extension_and_keep_the_others_for_extensions_dot_key()
    {
        await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent("extensions.ext-c"));

        Assert.Equal([new("ext-a", "a"), new("ext-b", "b"), new("ext-c", "c")], ContainerAssert.Sorted(updated.Extensions));
    }

    [Fact]
    public async Task Should_remove_an_extension_whose_masked_value_is_absent()
    {
        await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent("extensions.ext-b"));

        Assert.Equal([new("ext-a", "a")], ContainerAssert.Sorted(updated.Extensions));
    }

    [Fact]
    public async Task Should_keep_created_at_bump_updated_at_and_add_one_to_the_version()
    {
        var stored = await StoredAsync();

        var first = await UpdateAsync(EverythingDifferent("image"));
        Harness.Clock.Advance(TimeSpan.FromTicks(1));
        var second = await UpdateAsync(EverythingDifferent("labels"));

        Assert.Equal(stored.CreatedAt, first.CreatedAt);
        Assert.Equal(stored.CreatedAt, second.CreatedAt);
        Assert.Equal(Samples.Epoch + TimeSpan.FromSeconds(1), first.UpdatedAt);
        Assert.Equal(first.UpdatedAt.AddTicks(1), second.UpdatedAt);
        Assert.Equal([2L, 3L], [first.Version, second.Version]);
        Assert.Equal([1L, 2L, 3L], Harness.Store.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Should_still_move_updated_at_forward_when_the_clock_went_back()
    {
        var stored = await StoredAsync();
        Harness.Clock.Now = Samples.Epoch - TimeSpan.FromMinutes(5);

        var updated = await UpdateAsync(EverythingDifferent("image"));

        Assert.Equal(stored.UpdatedAt.AddTicks(1), updated.UpdatedAt);
    }
}

public class When_the_mask_names_a_path_that_cannot_change : UpdateScenario
{
    [Theory]
    [InlineData("id")]
    [InlineData("runtime")]
    [InlineData("runtime.name")]
    [InlineData("runtime.options")]
    [InlineData("snapshotter")]
    [InlineData("created_at")]
    [InlineData("updated_at")]
    [InlineData("version")]
    [InlineData("namespace")]
    [InlineData("Labels")]
    [InlineData("label.env")]
    public async Task Should_refuse_it_naming_the_path_and_change_nothing(string path)
    {
        var stored = await StoredAsync();

        // The valid path first: one bad path refuses the whole update, not just its own part.
        var error = await RefusedAsync(EverythingDifferent("image", path), ErrorKind.InvalidArgument);

        Assert.Contains($"cannot update {path};", error.Message);
        ContainerAssert.Same(stored, await Harness.GetAsync(Id, Ns));
        Assert.Single(Harness.Store.Events);
    }
}

public class When_an_update_names_a_version : UpdateScenario
{
    [Fact]
    public async Task Should_apply_it_when_the_version_is_current()
    {
        await StoredAsync();

        var updated = await UpdateAsync(EverythingDifferent("image") with { ExpectedVersion = 1 });

        Assert.Equal(2, updated.Version);
    }

    [Fact]
    public async Task Should_refuse_it_with_failed_precondition_when_the_version_is_stale()
    {
        await StoredAsync();
        await UpdateAsync(EverythingDifferent("image"));

        var error = await RefusedAsync(EverythingDifferent("labels") with { ExpectedVersion = 1 }, ErrorKind.FailedPrecondition);

        Assert.Contains("version 2, not the expected 1", error.Message);
        Assert.Equal("prod", (await Harness.GetAsync(Id, Ns)).Labels["env"]);
    }

    [Fact]
    public async Task Should_refuse_a_delete_with_a_stale_version()
    {
        await StoredAsync();
        await UpdateAsync(EverythingDifferent("image"));

        var error = await Assert.ThrowsAsync<PlatformException>(() =>
            Harness.Service.DeleteAsync(new DeleteContainer { Namespace = Ns, Id = Id, ExpectedVersion = 1 }, ServiceHarness.Ct));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Equal(2, (await Harness.GetAsync(Id, Ns)).Version);
    }
}

public class When_an_update_or_delete_loses_a_race
{
    private const string Ns = "team-ns";
    private const string Id = "web-1";

    private static async Task<(ServiceHarness Harness, RacingStore Racer)> StoredWithRacesAsync(int races)
    {
        RacingStore? racer = null;
        var harness = new ServiceHarness(inner => racer = new RacingStore(inner, races));
        await harness.CreateAsync(Samples.CreateRequest(Id, Ns));
        return (harness, racer!);
    }

    private static UpdateContainer SetLabel(string key) =>
        new() { Namespace = Ns, Id = Id, UpdateMask = [$"labels.{key}"], Labels = new Dictionary<string, string> { [key] = "1" } };

    [Fact]
    public async Task Should_reapply_the_mask_to_the_newer_container_when_no_version_was_named()
    {
        var (harness, racer) = await StoredWithRacesAsync(races: 2);

        var updated = await harness.UpdateAsync(SetLabel("mine"));

        Assert.Equal(2, racer.Races);
        Assert.Equal(4, updated.Version);
        Assert.Equal(["env", "example.com/owner", "mine", "racer-1", "racer-2"], updated.Labels.Keys.Order(StringComparer.Ordinal));
        ContainerAssert.Same(updated, await harness.GetAsync(Id, Ns));
        Assert.Equal([1L, 2L, 3L, 4L], harness.Store.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Should_refuse_with_failed_precondition_when_the_named_version_went_stale_meanwhile()
    {
        var (harness, _) = await StoredWithRacesAsync(races: 1);

        var error = await Assert.ThrowsAsync<PlatformException>(() => harness.UpdateAsync(SetLabel("mine") with { ExpectedVersion = 1 }));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains("changed concurrently", error.Message);
        Assert.DoesNotContain("mine", (await harness.GetAsync(Id, Ns)).Labels.Keys);
    }

    [Fact]
    public async Task Should_give_up_with_failed_precondition_after_a_bounded_number_of_attempts()
    {
        var (harness, racer) = await StoredWithRacesAsync(races: int.MaxValue);

        var error = await Assert.ThrowsAsync<PlatformException>(() => harness.UpdateAsync(SetLabel("mine")));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Equal(8, racer.Races);
    }

    [Fact]
    public async Task Should_delete_the_newer_container_when_no_version_was_named()
    {
        var (harness, racer) = await StoredWithRacesAsync(races: 1);

        var deleted = await harness.Service.DeleteAsync(new DeleteContainer { Namespace = Ns, Id = Id }, ServiceHarness.Ct);

        Assert.Equal(1, racer.Races);
        Assert.Equal(2, deleted.Version);
        Assert.Contains("racer-1", deleted.Labels.Keys);
        Assert.Null(await harness.Store.GetAsync(Ns, Id, ServiceHarness.Ct));
    }

    [Fact]
    public async Task Should_refuse_a_delete_whose_named_version_went_stale_meanwhile()
    {
        var (harness, _) = await StoredWithRacesAsync(races: 1);

        var error = await Assert.ThrowsAsync<PlatformException>(() =>
            harness.Service.DeleteAsync(new DeleteContainer { Namespace = Ns, Id = Id, ExpectedVersion = 1 }, ServiceHarness.Ct));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.NotNull(await harness.Store.GetAsync(Ns, Id, ServiceHarness.Ct));
    }
}
