using Platform.Common.Errors;
using Platform.Common.References;
using Platform.Contracts;
using Xunit;

namespace Platform.Common.Tests;

public class When_an_image_name_is_normalised
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest")]
    [InlineData("busybox:1.36", "docker.io/library/busybox:1.36")]
    [InlineData("library/busybox", "docker.io/library/busybox:latest")]
    [InlineData("docker.io/busybox", "docker.io/library/busybox:latest")]
    [InlineData("docker.io/library/busybox:latest", "docker.io/library/busybox:latest")]
    [InlineData("index.docker.io/busybox", "docker.io/library/busybox:latest")]
    [InlineData("acc/bb:1", "docker.io/acc/bb:1")]
    [InlineData("acc/team/bb", "docker.io/acc/team/bb:latest")]
    [InlineData("127.0.0.1:5000/x:1", "127.0.0.1:5000/x:1")]
    [InlineData("localhost/x", "localhost/x:latest")]
    [InlineData("localhost:5000/a/b:v1", "localhost:5000/a/b:v1")]
    [InlineData("ghcr.io/owner/img", "ghcr.io/owner/img:latest")]
    [InlineData("Registry.Example.COM/x", "Registry.Example.COM/x:latest")]
    [InlineData("[::1]:5000/x:1", "[::1]:5000/x:1")]
    [InlineData("[fe80::1]/x", "[fe80::1]/x:latest")]
    [InlineData("localhost:5000", "docker.io/library/localhost:5000")]
    [InlineData("acc/a.b_c__d-e---f", "docker.io/acc/a.b_c__d-e---f:latest")]
    [InlineData("a-b.c:1", "docker.io/library/a-b.c:1")]
    [InlineData("x:Tag_1.2-rc", "docker.io/library/x:Tag_1.2-rc")]
    [InlineData("x:_t", "docker.io/library/x:_t")]
    public void Should_add_the_default_registry_path_and_tag(string input, string normalized)
    {
        var name = ImageName.Parse(input);

        Assert.Equal(normalized, name.Normalized);
        Assert.Equal(normalized, ImageName.Normalize(input));
        Assert.Equal(normalized, name.ToString());
        // Normalising is idempotent: the normalised name parses to itself.
        Assert.Equal(normalized, ImageName.Normalize(normalized));
    }

    [Fact]
    public void Should_split_the_name_into_its_parts()
    {
        var name = ImageName.Parse("127.0.0.1:5000/team/app:1.0@sha256:" + Hex);

        Assert.Equal("127.0.0.1:5000", name.Domain);
        Assert.Equal("team/app", name.Path);
        Assert.Equal("1.0", name.Tag);
        Assert.Equal("sha256:" + Hex, name.Digest);
        Assert.Equal("127.0.0.1:5000/team/app", name.Repository);
    }

    [Fact]
    public void Should_pin_a_digest_without_adding_a_default_tag()
    {
        var name = ImageName.Parse("busybox@sha256:" + Hex);

        Assert.Null(name.Tag);
        Assert.Equal("sha256:" + Hex, name.Digest);
        Assert.Equal("docker.io/library/busybox@sha256:" + Hex, name.Normalized);
        Assert.Equal("busybox@sha256:" + Hex, name.Familiar);
    }

    [Fact]
    public void Should_keep_both_tag_and_digest_when_both_are_given()
    {
        var name = ImageName.Parse("busybox:1.36@sha256:" + Hex);

        Assert.Equal("1.36", name.Tag);
        Assert.Equal("docker.io/library/busybox:1.36@sha256:" + Hex, name.Normalized);
    }

    [Fact]
    public void Should_give_the_latest_tag_only_when_neither_tag_nor_digest_is_given()
    {
        Assert.Equal("latest", ImageName.Parse("busybox").Tag);
        Assert.Null(ImageName.Parse("busybox").Digest);
    }

    [Theory]
    [InlineData("busybox", "busybox:latest")]
    [InlineData("busybox:1.36", "busybox:1.36")]
    [InlineData("docker.io/library/busybox:1.36", "busybox:1.36")]
    [InlineData("acc/bb:1", "acc/bb:1")]
    [InlineData("docker.io/acc/bb:1", "acc/bb:1")]
    [InlineData("docker.io/library/a/b:1", "library/a/b:1")]
    [InlineData("127.0.0.1:5000/x:1", "127.0.0.1:5000/x:1")]
    [InlineData("localhost/x", "localhost/x:latest")]
    [InlineData("ghcr.io/library/x", "ghcr.io/library/x:latest")]
    public void Should_show_docker_s_familiar_short_form(string input, string familiar)
    {
        Assert.Equal(familiar, ImageName.Parse(input).Familiar);
    }

    [Fact]
    public void Should_accept_a_repository_name_of_exactly_255_characters()
    {
        // docker.io/ + path: 10 + 245.
        var path = "a/" + new string('b', 243);
        var name = ImageName.Parse("docker.io/" + path);

        Assert.Equal(255, name.Repository.Length);
    }

    [Fact]
    public void Should_accept_a_tag_of_128_characters()
    {
        var tag = new string('t', 128);

        Assert.Equal(tag, ImageName.Parse("x:" + tag).Tag);
    }

    [Fact]
    public void Should_equal_another_parse_of_an_equivalent_name()
    {
        Assert.Equal(ImageName.Parse("busybox"), ImageName.Parse("docker.io/library/busybox:latest"));
    }
}

public class When_an_image_name_is_invalid
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("Busybox", "must be lowercase")]
    [InlineData("acc/BB", "must be lowercase")]
    [InlineData("Acc/bb", "must be lowercase")]
    [InlineData("ghcr.io/Owner/x", "must be lowercase")]
    [InlineData("a//b", "must not be empty")]
    [InlineData("a/b/", "must not be empty")]
    [InlineData("/a", "must not be empty")]
    [InlineData("-a", "path component \"-a\"")]
    [InlineData("a-", "path component \"a-\"")]
    [InlineData("a..b", "path component \"a..b\"")]
    [InlineData("a___b", "path component \"a___b\"")]
    [InlineData("a._b", "path component \"a._b\"")]
    [InlineData("a b", "path component \"a b\"")]
    [InlineData("a+b", "path component \"a+b\"")]
    [InlineData("café", "path component \"café\"")]
    [InlineData("x:", "the tag \"\"")]
    [InlineData("x:.t", "the tag \".t\"")]
    [InlineData("x:-t", "the tag \"-t\"")]
    [InlineData("x:t/u", "the registry \"x:t\"")]
    [InlineData("a_b.com/x", "the registry \"a_b.com\"")]
    [InlineData("x:t+u", "the tag \"t+u\"")]
    [InlineData("x@", "the digest \"\"")]
    [InlineData("x@sha256:abc", "the digest \"sha256:abc\"")]
    [InlineData("x@sha512:" + Hex, "the digest \"sha512:")]
    [InlineData("x@sha256:" + "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "64 lowercase hexadecimal")]
    [InlineData("x@sha256:" + Hex + "@sha256:" + Hex, "the digest")]
    [InlineData(":tag", "a repository name must come before")]
    [InlineData("@sha256:" + Hex, "a repository name must come before")]
    [InlineData("-host.com/x", "the registry \"-host.com\"")]
    [InlineData("host..com/x", "the registry \"host..com\"")]
    [InlineData("host.com:/x", "the registry \"host.com:\"")]
    [InlineData("host.com:50a/x", "the registry \"host.com:50a\"")]
    [InlineData("[zz::1]/x", "the registry \"[zz::1]\"")]
    [InlineData("[::1/x", "the registry \"[::1\"")]
    [InlineData(Hex, "image id")]
    public void Should_refuse_it_naming_the_name_and_the_rule(string input, string rule)
    {
        var error = Assert.Throws<PlatformException>(() => ImageName.Parse(input));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith($"image name \"{input}\" is invalid: ", error.Message);
        Assert.Contains(rule, error.Message);
        Assert.False(ImageName.TryParse(input, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Should_refuse_an_empty_name(string? input)
    {
        var error = Assert.Throws<PlatformException>(() => ImageName.Parse(input));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("image name must not be empty", error.Message);
    }

    [Fact]
    public void Should_refuse_a_repository_name_over_255_characters()
    {
        var path = "a/" + new string('b', 244);

        var error = Assert.Throws<PlatformException>(() => ImageName.Parse(path));

        Assert.Contains("the repository name is 256 characters long; the limit is 255", error.Message);
    }

    [Fact]
    public void Should_count_the_default_registry_in_the_length_limit()
    {
        // 246 characters typed, 256 once docker.io/ is added.
        var error = Assert.Throws<PlatformException>(() => ImageName.Parse("acc/" + new string('b', 242)));

        Assert.Contains("256 characters long", error.Message);
    }

    [Fact]
    public void Should_refuse_a_tag_over_128_characters()
    {
        var error = Assert.Throws<PlatformException>(() => ImageName.Parse("x:" + new string('t', 129)));

        Assert.Contains("must be 1 to 128", error.Message);
    }

    [Fact]
    public void Should_cut_an_enormous_name_short_in_the_message()
    {
        var input = new string('A', 100_000);

        var error = Assert.Throws<PlatformException>(() => ImageName.Parse(input));

        Assert.True(error.Message.Length < 1000, $"message of {error.Message.Length} characters");
        Assert.Contains("…", error.Message);
    }

    [Fact]
    public void Should_explain_the_error_through_try_parse()
    {
        Assert.False(ImageName.TryParse("Busybox", out var name, out var error));

        Assert.Null(name);
        Assert.Equal("image name \"Busybox\" is invalid: the repository \"library/Busybox\" must be lowercase", error);
    }
}

public class When_a_digest_is_checked
{
    [Theory]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", false)]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0", false)]
    [InlineData("sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Should_accept_only_sha256_with_64_lowercase_hex_digits(string? digest, bool valid)
    {
        Assert.Equal(valid, Digests.IsValid(digest));
    }

    [Fact]
    public void Should_name_the_field_when_refusing()
    {
        var error = Assert.Throws<PlatformException>(() => Digests.Validate("sha256:xyz", "image x: target.digest"));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith("image x: target.digest \"sha256:xyz\" is invalid", error.Message);
    }
}
