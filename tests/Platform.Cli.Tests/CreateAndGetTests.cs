using System.Text.Json;
using Platform.Testing;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary><c>containers create</c> and <c>containers get</c> through the real broker and metadata service.</summary>
public sealed class When_a_user_creates_and_reads_containers(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private readonly SpecFiles _files = new();

    [Fact]
    public async Task Get_shows_the_created_container_as_a_key_value_block()
    {
        var ctl = PlatformCtl.For(fixture);
        var created = await ctl.RunAsync("containers", "create", "web", "--runtime", "runc", "--spec", _files.Write(),
            "--image", "docker.io/library/nginx:1.27", "--label", "tier=front", "--label", "owner=alice");
        Assert.Equal((0, ""), (created.ExitCode, created.Stderr));

        var got = await ctl.RunAsync("containers", "get", "web");

        Assert.Equal((0, ""), (got.ExitCode, got.Stderr));
        var block = Output.Block(got.Stdout);
        Assert.Equal("web", block["ID"]);
        Assert.Equal(ctl.Namespace, block["Namespace"]);
        Assert.Equal("docker.io/library/nginx:1.27", block["Image"]);
        Assert.Equal("runc", block["Runtime"]);
        Assert.Equal("owner=alice\ntier=front", block["Labels"]);
        Assert.Equal("-", block["Snapshot key"]);
        Assert.Equal("1", block["Version"]);
        Assert.Equal(block["Created"], block["Updated"]);
        Assert.Equal(SpecFiles.Spec, block["Spec"]);
        Assert.Equal(Output.Block(created.Stdout), block);
    }

    [Fact]
    public async Task Get_as_json_has_exactly_the_documented_fields_with_the_spec_as_an_object()
    {
        var ctl = PlatformCtl.For(fixture);
        await ctl.PrepareSnapshotsAsync(fixture, "db-root");
        var created = await ctl.RunAsync("containers", "create", "db", "--runtime", "io.containerd.runc.v2", "--spec", _files.Write(),
            "--snapshotter", "overlayfs", "--snapshot-key", "db-root", "--label", "tier=back", "-o", "json");
        Assert.Equal((0, ""), (created.ExitCode, created.Stderr));

        var got = await ctl.RunAsync("containers", "get", "db", "-o", "json");

        Assert.Equal((0, ""), (got.ExitCode, got.Stderr));
        var json = Output.Json(got.Stdout);
        Assert.Equal(
            ["id", "namespace", "labels", "image", "runtime", "spec", "snapshotter", "snapshotKey", "extensions", "createdAt", "updatedAt", "version"],
            Output.PropertyNames(json));
        Assert.Equal("db", json.GetProperty("id").GetString());
        Assert.Equal(ctl.Namespace, json.GetProperty("namespace").GetString());
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "back" }, Output.Map(json.GetProperty("labels")));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("image").ValueKind);
        Assert.Equal(["name", "options"], Output.PropertyNames(json.GetProperty("runtime")));
        Assert.Equal("io.containerd.runc.v2", json.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Object, json.GetProperty("spec").ValueKind);
        Assert.Equal("/bin/true", json.GetProperty("spec").GetProperty("process").GetProperty("args")[0].GetString());
        Assert.Equal("overlayfs", json.GetProperty("snapshotter").GetString());
        Assert.Equal("db-root", json.GetProperty("snapshotKey").GetString());
        Assert.Empty(json.GetProperty("extensions").EnumerateObject());
        var createdAt = json.GetProperty("createdAt").GetDateTimeOffset();
        Assert.Equal(createdAt, json.GetProperty("updatedAt").GetDateTimeOffset());
        Assert.InRange(createdAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.EndsWith("Z", json.GetProperty("createdAt").GetString());
        Assert.Equal(1, json.GetProperty("version").GetInt64());
        Assert.Equal(got.Stdout, created.Stdout);
    }

    [Fact]
    public async Task A_spec_given_as_dash_is_read_from_stdin_and_stored_verbatim()
    {
        var ctl = PlatformCtl.For(fixture);
        const string spec = "{ \"ociVersion\": \"1.0.2\",  \"hostname\": \"from-stdin\" }";

        var created = await ctl.RunWithStdinAsync(spec, "containers", "create", "piped", "--runtime", "runc", "--spec", "-");

        Assert.Equal((0, ""), (created.ExitCode, created.Stderr));
        var got = await ctl.RunAsync("containers", "get", "piped");
        Assert.Equal(spec, Output.Block(got.Stdout)["Spec"]);
    }

    [Fact]
    public async Task Creating_an_id_twice_exits_5_with_AlreadyExists_and_prints_nothing()
    {
        var ctl = PlatformCtl.For(fixture);
        var spec = _files.Write();
        Assert.Equal(0, (await ctl.RunAsync("containers", "create", "twice", "--runtime", "runc", "--spec", spec)).ExitCode);

        var again = await ctl.RunAsync("containers", "create", "twice", "--runtime", "runc", "--spec", spec);

        Assert.Equal(5, again.ExitCode);
        Assert.Equal("", again.Stdout);
        Assert.StartsWith("error: AlreadyExists: ", again.Stderr);
        Assert.Contains("twice", again.Stderr);
    }

    [Fact]
    public async Task An_invalid_id_exits_3_with_InvalidArgument_naming_it()
    {
        var ctl = PlatformCtl.For(fixture);

        var result = await ctl.RunAsync("containers", "create", "a..b", "--runtime", "runc", "--spec", _files.Write());

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: InvalidArgument: ", result.Stderr);
        Assert.Contains("\"a..b\"", result.Stderr);
    }

    [Fact]
    public async Task A_label_without_equals_exits_3_naming_the_flag_and_creates_nothing()
    {
        var ctl = PlatformCtl.For(fixture);

        var result = await ctl.RunAsync("containers", "create", "web", "--runtime", "runc", "--spec", _files.Write(), "--label", "tier");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("error: InvalidArgument: --label \"tier\" must be KEY=VALUE (KEY= removes the label)\n", result.Stderr);
        Assert.Equal(4, (await ctl.RunAsync("containers", "get", "web")).ExitCode);
    }

    [Fact]
    public async Task A_missing_spec_file_exits_3_naming_the_file_and_creates_nothing()
    {
        var ctl = PlatformCtl.For(fixture);
        var missing = _files.Missing();

        var result = await ctl.RunAsync("containers", "create", "web", "--runtime", "runc", "--spec", missing);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal($"error: InvalidArgument: --spec file \"{missing}\" does not exist\n", result.Stderr);
        Assert.Equal(4, (await ctl.RunAsync("containers", "get", "web")).ExitCode);
    }

    public void Dispose() => _files.Dispose();
}
