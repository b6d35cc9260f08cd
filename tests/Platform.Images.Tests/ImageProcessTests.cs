using Platform.Testing;
using Platform.Client.Images;
using Platform.Common.Errors;
using Platform.Contracts;
using Xunit;

namespace Platform.Images.Tests;

public class When_making_a_process_from_an_image_config
{
    private static ImageConfig Image(string[]? entrypoint = null, string[]? cmd = null, string[]? env = null, string? workdir = null,
        string? user = null, string? stopSignal = null) => new()
        {
            Architecture = "amd64",
            Os = "linux",
            Config = new ContainerConfig { Entrypoint = entrypoint, Cmd = cmd, Env = env, WorkingDir = workdir, User = user, StopSignal = stopSignal },
        };

    [Fact]
    public void Entrypoint_then_cmd_is_the_command()
    {
        var process = ImageProcess.Resolve(Image(entrypoint: ["/entry.sh"], cmd: ["serve", "--port", "80"]));
        Assert.Equal(["/entry.sh", "serve", "--port", "80"], process.Args);
    }

    [Fact]
    public void User_arguments_replace_cmd_and_keep_the_entrypoint()
    {
        var process = ImageProcess.Resolve(Image(entrypoint: ["/entry.sh"], cmd: ["serve"]), new ProcessOverrides { Args = ["debug", "-v"] });
        Assert.Equal(["/entry.sh", "debug", "-v"], process.Args);
    }

    [Fact]
    public void Empty_user_arguments_keep_cmd()
    {
        var process = ImageProcess.Resolve(Image(cmd: ["sh"]), new ProcessOverrides { Args = [] });
        Assert.Equal(["sh"], process.Args);
    }

    [Fact]
    public void A_given_entrypoint_replaces_the_images_and_clears_cmd()
    {
        var image = Image(entrypoint: ["/entry.sh"], cmd: ["serve"]);
        Assert.Equal(["/bin/echo"], ImageProcess.Resolve(image, new ProcessOverrides { Entrypoint = ["/bin/echo"] }).Args);
        Assert.Equal(["/bin/echo", "hi"], ImageProcess.Resolve(image, new ProcessOverrides { Entrypoint = ["/bin/echo"], Args = ["hi"] }).Args);
        Assert.Equal(["id"], ImageProcess.Resolve(image, new ProcessOverrides { Entrypoint = [], Args = ["id"] }).Args);
    }

    [Fact]
    public void Nothing_to_run_is_a_clear_error()
    {
        var error = Assert.Throws<PlatformException>(() => ImageProcess.Resolve(Image()));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("no command: the image defines neither Entrypoint nor Cmd; give one", error.Message);

        Assert.Throws<PlatformException>(() => ImageProcess.Resolve(Image(cmd: ["sh"]), new ProcessOverrides { Entrypoint = [] }));
        Assert.Throws<PlatformException>(() => ImageProcess.Resolve(null));
    }

    [Fact]
    public void Env_keeps_image_order_with_the_users_values_and_appends_new_keys()
    {
        var process = ImageProcess.Resolve(Image(cmd: ["sh"], env: ["PATH=/opt/bin", "A=1", "B=2"]), new ProcessOverrides { Env = ["C=3", "A=one", "EMPTY="] });
        Assert.Equal(["PATH=/opt/bin", "A=one", "B=2", "C=3", "EMPTY="], process.Env);
    }

    [Fact]
    public void Path_is_set_when_neither_sets_it()
    {
        Assert.Equal(["PATH=" + ImageProcess.DefaultPath, "A=1"], ImageProcess.Resolve(Image(cmd: ["sh"], env: ["A=1"])).Env);
        Assert.Equal(["PATH=/x"], ImageProcess.Resolve(Image(cmd: ["sh"]), new ProcessOverrides { Env = ["PATH=/x"] }).Env);
    }

    [Fact]
    public void An_env_entry_without_a_name_is_refused()
    {
        var error = Assert.Throws<PlatformException>(() => ImageProcess.Resolve(Image(cmd: ["sh"]), new ProcessOverrides { Env = ["=x"] }));
        Assert.Contains("=x", error.Message);
    }

    [Fact]
    public void Working_dir_user_and_stop_signal_come_from_the_image_unless_given()
    {
        var defaults = ImageProcess.Resolve(Image(cmd: ["sh"]));
        Assert.Equal(("/", "", "SIGTERM"), (defaults.Cwd, defaults.User, defaults.StopSignal));

        var image = Image(cmd: ["sh"], workdir: "/app", user: "app", stopSignal: "SIGQUIT");
        var fromImage = ImageProcess.Resolve(image);
        Assert.Equal(("/app", "app", "SIGQUIT"), (fromImage.Cwd, fromImage.User, fromImage.StopSignal));

        var given = ImageProcess.Resolve(image, new ProcessOverrides { WorkingDir = "/tmp", User = "0:0" });
        Assert.Equal(("/tmp", "0:0"), (given.Cwd, given.User));
    }

    [Fact]
    public void A_docker_config_blob_parses_into_the_model()
    {
        var json = """
            {"architecture":"amd64","os":"linux","config":{"User":"app","Env":["A=1"],"Entrypoint":null,"Cmd":["sh"],
             "WorkingDir":"/w","Labels":{"a":"b"},"StopSignal":"SIGINT","ExposedPorts":{"80/tcp":{}}},
             "rootfs":{"type":"layers","diff_ids":["sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]},
             "history":[{"created":"2024-01-01T00:00:00Z","created_by":"x","empty_layer":true}]}
            """u8;
        var config = OciJson.ParseConfig(json, "config");
        Assert.Equal("app", config.Config!.User);
        Assert.Equal(["80/tcp"], config.Config.ExposedPorts!.Keys);
        Assert.Single(config.RootFs!.DiffIds);
        Assert.Equal("linux/amd64", config.Platform.ToString());
    }
}

public class When_resolving_a_user
{
    private static ResolvedUser Resolve(string user) =>
        UserResolver.Resolve(user, new StringReader(OciImages.Passwd), new StringReader(OciImages.Group));

    [Fact]
    public void Empty_is_root_with_roots_groups()
    {
        Assert.Equal((0u, 0u), (Resolve("").Uid, Resolve("").Gid));
        Assert.Equal([29u], Resolve("").AdditionalGids);
    }

    [Fact]
    public void A_name_takes_its_uid_primary_gid_and_the_groups_listing_it()
    {
        var user = Resolve("app");
        Assert.Equal((1000u, 1000u), (user.Uid, user.Gid));
        Assert.Equal([10u, 29u], user.AdditionalGids);
    }

    [Fact]
    public void A_uid_in_passwd_takes_its_primary_gid_and_one_not_in_passwd_gets_gid_0()
    {
        Assert.Equal((1000u, 1000u), (Resolve("1000").Uid, Resolve("1000").Gid));
        var stranger = Resolve("4242");
        Assert.Equal((4242u, 0u), (stranger.Uid, stranger.Gid));
        Assert.Empty(stranger.AdditionalGids);
    }

    [Theory]
    [InlineData("1000:10", 1000u, 10u)]
    [InlineData("app:audio", 1000u, 29u)]
    [InlineData("4242:wheel", 4242u, 10u)]
    [InlineData("daemon:7", 1u, 7u)]
    [InlineData("4242:4243", 4242u, 4243u)]
    public void A_group_part_replaces_the_primary_gid(string value, uint uid, uint gid)
    {
        var user = Resolve(value);
        Assert.Equal((uid, gid), (user.Uid, user.Gid));
        Assert.DoesNotContain(gid, user.AdditionalGids);
    }

    [Fact]
    public void Numeric_ids_need_no_files()
    {
        var user = UserResolver.Resolve("1000:1000", null, null);
        Assert.Equal((1000u, 1000u), (user.Uid, user.Gid));
    }

    [Fact]
    public void A_missing_name_is_named_with_the_file()
    {
        var user = Assert.Throws<PlatformException>(() => Resolve("ghost"));
        Assert.Equal(ErrorKind.NotFound, user.Kind);
        Assert.Contains("\"ghost\"", user.Message);
        Assert.Contains("/etc/passwd", user.Message);

        var group = Assert.Throws<PlatformException>(() => Resolve("app:ghosts"));
        Assert.Contains("\"ghosts\"", group.Message);
        Assert.Contains("/etc/group", group.Message);

        var noFile = Assert.Throws<PlatformException>(() => UserResolver.Resolve("app", null, null));
        Assert.Contains("no /etc/passwd", noFile.Message);
    }

    [Theory]
    [InlineData(":0")]
    [InlineData("app:")]
    public void A_malformed_value_is_refused(string value)
    {
        Assert.Equal(ErrorKind.InvalidArgument, Assert.Throws<PlatformException>(() => Resolve(value)).Kind);
    }
}

public class When_naming_platforms_and_digests
{
    [Fact]
    public void The_host_is_linux_amd64_here()
    {
        var expected = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64
            ? "linux/amd64" : ImagePlatform.Host.ToString();
        Assert.Equal(expected, ImagePlatform.Host.ToString());
    }

    [Theory]
    [InlineData("linux/amd64", "linux/amd64")]
    [InlineData("linux/x86_64", "linux/amd64")]
    [InlineData("linux/aarch64", "linux/arm64/v8")]
    [InlineData("linux/arm64/v8", "linux/arm64/v8")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("linux/armhf", "linux/arm/v7")]
    [InlineData("Linux/ARM64", "linux/arm64/v8")]
    public void Platforms_parse_to_their_normal_form(string text, string normal) =>
        Assert.Equal(normal, ImagePlatform.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("linux/")]
    [InlineData("a/b/c/d")]
    public void Malformed_platforms_are_refused(string text) =>
        Assert.Equal(ErrorKind.InvalidArgument, Assert.Throws<PlatformException>(() => ImagePlatform.Parse(text)).Kind);

    [Fact]
    public void Matching_follows_variants()
    {
        Assert.True(ImagePlatform.Parse("linux/arm64").Matches(new ImagePlatform { Os = "linux", Architecture = "arm64" }));
        Assert.True(ImagePlatform.Parse("linux/arm/v7").Matches(ImagePlatform.Parse("linux/arm/v6")));
        Assert.False(ImagePlatform.Parse("linux/arm/v6").Matches(ImagePlatform.Parse("linux/arm/v7")));
        Assert.False(ImagePlatform.Parse("linux/amd64").Matches(ImagePlatform.Parse("linux/386")));
        Assert.False(ImagePlatform.Parse("linux/amd64").Matches(ImagePlatform.Parse("windows/amd64")));
    }

    [Fact]
    public void An_index_picks_the_exact_variant_before_an_older_one()
    {
        var index = new ImageIndex
        {
            SchemaVersion = 2,
            Manifests =
            [
                new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute("v6"), Size = 1, Platform = ImagePlatform.Parse("linux/arm/v6") },
                new Descriptor { MediaType = MediaTypes.DockerManifest, Digest = Digest.Compute("v7"), Size = 1, Platform = ImagePlatform.Parse("linux/arm/v7") },
                new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute("att"), Size = 1, Platform = new ImagePlatform { Os = "unknown", Architecture = "unknown" } },
            ],
        };
        Assert.Equal(Digest.Compute("v7"), PlatformSelection.SelectManifest(index, ImagePlatform.Parse("linux/arm/v7"), "test").Digest);
        Assert.Equal(Digest.Compute("v6"), PlatformSelection.SelectManifest(index, ImagePlatform.Parse("linux/arm/v6"), "test").Digest);
        var error = Assert.Throws<PlatformException>(() => PlatformSelection.SelectManifest(index, ImagePlatform.Parse("linux/amd64"), "index x"));
        Assert.Contains("index x has no manifest for platform linux/amd64; it has: linux/arm/v6, linux/arm/v7, unknown/unknown", error.Message);
    }

    [Theory]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", true)]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", false)]
    [InlineData("sha256:e3b0c4", false)]
    [InlineData("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false)]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false)]
    public void Digests_are_sha256_with_64_lower_hex(string digest, bool valid) => Assert.Equal(valid, Digest.IsValid(digest));

    [Fact]
    public void The_empty_content_has_its_well_known_digest() =>
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Digest.Compute(ReadOnlySpan<byte>.Empty));
}
