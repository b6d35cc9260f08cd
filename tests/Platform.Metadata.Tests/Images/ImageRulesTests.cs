using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Images;
using Platform.Metadata.Images;
using Platform.Metadata.Tests.Support;
using Xunit;

namespace Platform.Metadata.Tests.Images;

public sealed class When_an_image_is_created
{
    private static readonly DateTimeOffset Now = Samples.Epoch;

    [Fact]
    public void Should_normalise_the_name_default_the_namespace_and_drop_empty_labels()
    {
        var image = ImageRules.ForCreate(new CreateImage
        {
            Name = "busybox",
            Target = ImageSamples.Manifest(1),
            Labels = new Dictionary<string, string> { ["keep"] = "1", ["drop"] = "" },
        }, Now);

        Assert.Equal("default", image.Namespace);
        Assert.Equal("docker.io/library/busybox:latest", image.Name);
        Assert.Equal(ImageSamples.Manifest(1), image.Target);
        Assert.Equal(new Dictionary<string, string> { ["keep"] = "1" }, image.Labels);
        Assert.Equal(Now, image.CreatedAt);
        Assert.Equal(Now, image.UpdatedAt);
        Assert.Equal(1, image.Version);
    }

    [Theory]
    [InlineData(ImageRules.OciManifest)]
    [InlineData(ImageRules.OciIndex)]
    [InlineData(ImageRules.DockerManifest)]
    [InlineData(ImageRules.DockerManifestList)]
    public void Should_accept_every_manifest_and_index_media_type(string mediaType)
    {
        var image = ImageRules.ForCreate(new CreateImage { Name = "x", Target = ImageSamples.Manifest(1, mediaType) }, Now);

        Assert.Equal(mediaType, image.Target.MediaType);
    }

    public static TheoryData<string, Descriptor?, string> BadTargets => new()
    {
        { "no target", null, "target must be set" },
        { "a layer", ImageSamples.Manifest(1, "application/vnd.oci.image.layer.v1.tar+gzip"), "target.mediaType \"application/vnd.oci.image.layer.v1.tar+gzip\" is not a manifest or index" },
        { "a config", ImageSamples.Manifest(1, "application/vnd.oci.image.config.v1+json"), "target.mediaType" },
        { "no media type", ImageSamples.Manifest(1, ""), "target.mediaType" },
        { "upper-case hex", ImageSamples.Manifest(1) with { Digest = "sha256:" + new string('A', 64) }, "target.digest" },
        { "sha512", ImageSamples.Manifest(1) with { Digest = "sha512:" + new string('a', 128) }, "target.digest" },
        { "no digest", ImageSamples.Manifest(1) with { Digest = "" }, "target.digest must be set" },
        { "zero size", ImageSamples.Manifest(1) with { Size = 0 }, "target.size must be greater than 0" },
        { "negative size", ImageSamples.Manifest(1) with { Size = -5 }, "target.size must be greater than 0" },
    };

    [Theory]
    [MemberData(nameof(BadTargets))]
    public void Should_refuse_a_target_that_is_not_a_manifest_or_index(string situation, Descriptor? target, string rule)
    {
        var error = Assert.Throws<PlatformException>(() => ImageRules.ForCreate(new CreateImage { Name = "busybox", Target = target }, Now));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith("image docker.io/library/busybox:latest: ", error.Message);
        Assert.True(error.Message.Contains(rule, StringComparison.Ordinal), $"{situation}: {error.Message}");
    }

    [Theory]
    [InlineData("bad ns", "busybox", "namespace \"bad ns\" is invalid")]
    [InlineData(null, null, "image name must not be empty")]
    [InlineData(null, "Busybox", "image name \"Busybox\" is invalid: the repository \"library/Busybox\" must be lowercase")]
    public void Should_check_namespace_then_name_before_the_target(string? @namespace, string? name, string message)
    {
        var error = Assert.Throws<PlatformException>(() => ImageRules.ForCreate(new CreateImage
        {
            Namespace = @namespace, Name = name, Target = null,
        }, Now));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void Should_refuse_a_label_over_the_size_limit_before_the_target()
    {
        var error = Assert.Throws<PlatformException>(() => ImageRules.ForCreate(new CreateImage
        {
            Name = "busybox", Target = null, Labels = new Dictionary<string, string> { ["big"] = new string('x', 5000) },
        }, Now));

        Assert.Contains("the limit is 4096", error.Message);
    }
}

public sealed class When_an_image_is_updated
{
    private static readonly Image Stored = ImageSamples.Image("team-ns", "docker.io/library/busybox:latest") with { Version = 3 };
    private static readonly DateTimeOffset Later = Samples.Epoch.AddMinutes(1);

    [Fact]
    public void Should_replace_target_and_labels_without_a_mask()
    {
        var updated = ImageRules.ApplyUpdate(Stored, new UpdateImage
        {
            Name = "busybox", Target = ImageSamples.Manifest(2), Labels = new Dictionary<string, string> { ["new"] = "1" },
        }, Later);

        Assert.Equal(ImageSamples.Manifest(2), updated.Target);
        Assert.Equal(new Dictionary<string, string> { ["new"] = "1" }, updated.Labels);
        Assert.Equal(Stored.Name, updated.Name);
        Assert.Equal(Stored.CreatedAt, updated.CreatedAt);
        Assert.Equal(Later, updated.UpdatedAt);
        Assert.Equal(4, updated.Version);
    }

    [Fact]
    public void Should_require_a_target_without_a_mask()
    {
        var error = Assert.Throws<PlatformException>(() => ImageRules.ApplyUpdate(Stored, new UpdateImage { Name = "busybox" }, Later));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("target must be set", error.Message);
    }

    [Fact]
    public void Should_change_only_the_masked_label_and_keep_the_target()
    {
        var updated = ImageRules.ApplyUpdate(Stored, new UpdateImage
        {
            Name = "busybox",
            UpdateMask = ["labels.env", "labels.example.com/owner", "labels.added"],
            Labels = new Dictionary<string, string> { ["env"] = "dev", ["added"] = "yes", ["ignored"] = "not in the mask" },
            Target = ImageSamples.Manifest(9),
        }, Later);

        Assert.Equal(Stored.Target, updated.Target);
        Assert.Equal(
            new Dictionary<string, string> { ["env"] = "dev", ["$dollar.key"] = "$value", ["added"] = "yes" }.OrderBy(kv => kv.Key),
            updated.Labels.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void Should_retarget_with_the_target_mask_and_keep_the_labels()
    {
        var updated = ImageRules.ApplyUpdate(Stored, new UpdateImage { Name = "busybox", UpdateMask = ["target"], Target = ImageSamples.Manifest(2) }, Later);

        Assert.Equal(ImageSamples.Manifest(2), updated.Target);
        Assert.Equal(Stored.Labels, updated.Labels);
        Assert.True(ImageRules.TargetMoved(Stored, updated));
    }

    [Fact]
    public void Should_not_count_a_corrected_media_type_of_the_same_digest_as_a_move()
    {
        var updated = ImageRules.ApplyUpdate(Stored, new UpdateImage
        {
            Name = "busybox", UpdateMask = ["target"], Target = Stored.Target with { MediaType = ImageRules.DockerManifest },
        }, Later);

        Assert.False(ImageRules.TargetMoved(Stored, updated));
    }

    [Theory]
    [InlineData("name")]
    [InlineData("createdat")]
    [InlineData("target.digest")]
    [InlineData("annotations")]
    [InlineData("")]
    public void Should_refuse_any_other_path(string path)
    {
        var error = Assert.Throws<PlatformException>(() => ImageRules.ApplyUpdate(Stored, new UpdateImage { Name = "busybox", UpdateMask = [path] }, Later));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains($"cannot update {path};", error.Message);
    }

    [Fact]
    public void Should_validate_a_masked_target()
    {
        var error = Assert.Throws<PlatformException>(() => ImageRules.ApplyUpdate(Stored, new UpdateImage
        {
            Name = "busybox", UpdateMask = ["target"], Target = ImageSamples.Manifest(2, "text/plain"),
        }, Later));

        Assert.Contains("target.mediaType \"text/plain\"", error.Message);
    }

    [Fact]
    public void Should_move_updated_at_forward_even_when_the_clock_did_not()
    {
        var updated = ImageRules.ApplyUpdate(Stored, new UpdateImage { Name = "busybox", UpdateMask = ["labels"] }, Samples.Epoch.AddDays(-1));

        Assert.Equal(Stored.UpdatedAt.AddTicks(1), updated.UpdatedAt);
        Assert.Empty(updated.Labels);
    }

    [Fact]
    public void Should_refuse_an_unexpected_version_naming_both()
    {
        var error = Assert.Throws<PlatformException>(() => ImageRules.CheckExpectedVersion(Stored, 2));

        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains("at version 3, not the expected 2", error.Message);
    }
}
