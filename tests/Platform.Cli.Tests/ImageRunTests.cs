using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Platform.Client.Images;
using Platform.Testing;
using Xunit;
using static Platform.Cli.Tests.CliAssert;

namespace Platform.Cli.Tests;

/// <summary>
/// Running images as docker does (<c>run [OPTIONS] IMAGE [COMMAND] [ARG...]</c>, <c>containers create --image</c>): the
/// image's Entrypoint, Cmd, Env, WorkingDir and User, the user's overrides, and what stays or goes afterwards. Images are
/// loaded with the client library from archives the test builds from busybox-static; real runc, broker and snapshotters.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_user_runs_an_image(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private const string Image = "docker.io/team/greeter:1";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Scratch _scratch = new();

    /// <summary>A busybox image whose config says: sh -c "echo from-cmd $GREETING" in /tmp as user app, GREETING=hello.</summary>
    private async Task<LoadedImage> LoadGreeterAsync(PlatformCtl ctl, string name = Image)
    {
        var builder = new OciLayoutBuilder();
        var image = builder.AddImage([OciImages.BusyboxLayer(), OciImages.FileLayer("tmp/motd", "hi\n")], process: new JsonObject
        {
            ["Entrypoint"] = new JsonArray("sh", "-c"),
            ["Cmd"] = new JsonArray("echo from-cmd $GREETING"),
            ["Env"] = new JsonArray("PATH=/bin", "GREETING=hello"),
            ["WorkingDir"] = "/tmp",
            ["User"] = "app",
            ["StopSignal"] = "SIGQUIT",
        });
        builder.Name(image.Descriptor, name);
        var archive = builder.WriteTar(Path.Combine(_scratch.Root, Guid.NewGuid().ToString("N") + ".tar"));
        var loaded = await new ImageLoader(fixture.Client).LoadAsync(archive, new ImageLoadOptions { Namespace = ctl.Namespace }, null, Ct);
        return Assert.Single(loaded);
    }

    private PlatformCtl Ctl()
    {
        Requirements.Runtime();
        return PlatformCtl.For(fixture);
    }

    [Fact]
    public async Task Run_rm_uses_the_image_config_and_the_users_overrides_win()
    {
        var ctl = Ctl();
        await LoadGreeterAsync(ctl);

        async Task<string> Output(params string[] args) => (await OkAsync(ctl, ["run", "--rm", .. args])).Stdout;

        Assert.Equal("from-cmd hello\n", await Output(Image));
        Assert.Equal("from-cmd bye\n", await Output("-e", "GREETING=bye", Image));
        // Arguments after the image replace Cmd and keep the Entrypoint; the image's WorkingDir and User apply.
        Assert.Equal("/tmp\n1000\n1000\n", await Output("team/greeter:1", "pwd; id -u; id -g"));
        // Dashes after the image are the command's: -u here is id's, not platformctl's.
        Assert.Equal("1000\n", await Output("--entrypoint", "id", Image, "-u"));
        Assert.Equal("0\n29\n", await Output("-u", "root:audio", "-w", "/", Image, "id -u; id -g"));
        Assert.Equal("10 29 1000\n", await Output(Image, "id -G | tr ' ' '\\n' | sort -n | tr '\\n' ' ' | sed 's/ $//'; echo"));

        // --rm removed the containers; the image and its unpacked chain stay for the next run.
        Assert.Empty((await OkAsync(ctl, "containers", "ls", "-o", "json")).Stdout.Trim().Trim('[', ']').Trim());
        Assert.Equal(Image, (await fixture.Client.Images.GetAsync(Image, ctl.Namespace, Ct)).Name);
        Assert.Equal("from-cmd hello\n", await Output(Image));
    }

    [Fact]
    public async Task Run_d_without_a_name_prints_a_generated_id_and_records_the_image()
    {
        var ctl = Ctl();
        await LoadGreeterAsync(ctl);

        // PID 1 of a container ignores signals it has no handler for, so the shell traps the one it expects.
        var id = (await OkAsync(ctl, "run", "-d", "--entrypoint", "sh", Image, "-c", "trap 'exit 42' QUIT; echo ready; while true; do sleep 1; done")).Stdout.Trim();

        Assert.Matches("^[0-9a-f]{12}$", id);
        var container = await fixture.Client.Containers.GetAsync(id, ctl.Namespace, Ct);
        Assert.Equal(Image, container.Image);
        Assert.Equal(id + "-rootfs", container.SnapshotKey);
        Assert.Equal("SIGQUIT", container.Labels[ImageContainers.StopSignalLabel]);
        // tasks kill without --signal sends the image's StopSignal, SIGQUIT, which the trap turns into exit 42.
        await Eventually.TrueAsync(async () => (await OkAsync(ctl, "tasks", "logs", id)).Stdout.Contains("ready"), Ct,
            because: "the shell says ready once its trap is set");
        await OkAsync(ctl, "tasks", "kill", id);
        Assert.Equal("42", (await OkAsync(ctl, "tasks", "wait", id)).Stdout.Trim());
        await Eventually.TrueAsync(async () => (await ctl.RunAsync("containers", "rm", id)).ExitCode == 0, Ct,
            because: "the container should be removable once its task has exited");
    }

    [Fact]
    public async Task Containers_create_with_an_image_prepares_its_rootfs_and_builds_its_spec()
    {
        var ctl = Ctl();
        var loaded = await LoadGreeterAsync(ctl);

        var created = Output.Json((await OkAsync(ctl, "containers", "create", "web", "--image", "team/greeter:1", "-o", "json")).Stdout);

        Assert.Equal(Image, created.GetProperty("image").GetString());
        Assert.Equal("web-rootfs", created.GetProperty("snapshotKey").GetString());
        var snapshot = await fixture.Client.Snapshots.StatAsync("web-rootfs", created.GetProperty("snapshotter").GetString(), ctl.Namespace, Ct);
        Assert.Equal(loaded.Unpacked!.ChainId, snapshot.Parent);
        var spec = JsonNode.Parse(created.GetProperty("spec").GetRawText())!;
        Assert.Equal(["sh", "-c", "echo from-cmd $GREETING"], spec["process"]!["args"]!.AsArray().Select(a => (string)a!).ToArray());
        Assert.Equal("/tmp", (string)spec["process"]!["cwd"]!);
        Assert.Equal("app", (string)spec["process"]!["user"]!["username"]!);
        await OkAsync(ctl, "tasks", "create", "web");
        await OkAsync(ctl, "tasks", "start", "web");
        Assert.Equal("0", (await OkAsync(ctl, "tasks", "wait", "web")).Stdout.Trim());
    }

    [Fact]
    public async Task An_unknown_image_is_not_found_and_leaves_nothing()
    {
        var ctl = Ctl();

        var result = await ctl.RunAsync("run", "--rm", "--name", "ghost", "nosuch/image:2", "true");

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("docker.io/nosuch/image:2", result.Stderr);
        Assert.Equal(4, (await ctl.RunAsync("containers", "get", "ghost")).ExitCode);
        Assert.Empty((await OkAsync(ctl, "leases", "ls", "-o", "json")).Stdout.Trim().Trim('[', ']').Trim());
    }

    [Fact]
    public async Task A_user_name_missing_from_the_image_is_refused_when_the_task_is_created()
    {
        var ctl = Ctl();
        await LoadGreeterAsync(ctl);

        var result = await ctl.RunAsync("run", "--rm", "-u", "nobody-here", Image);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("nobody-here", result.Stderr);
    }

    [Fact]
    public async Task Removing_the_image_keeps_a_container_made_from_it_runnable_and_its_deletion_then_frees_everything()
    {
        var ctl = Ctl();
        await LoadGreeterAsync(ctl);
        await OkAsync(ctl, "containers", "create", "keeper", "--image", Image);

        await fixture.Client.Images.DeleteAsync(Image, null, ctl.Namespace, Ct);
        await OkAsync(ctl, "gc");

        await OkAsync(ctl, "tasks", "create", "keeper");
        await OkAsync(ctl, "tasks", "start", "keeper");
        Assert.Equal("0", (await OkAsync(ctl, "tasks", "wait", "keeper")).Stdout.Trim());
        await Eventually.TrueAsync(async () => (await ctl.RunAsync("containers", "rm", "keeper")).ExitCode == 0, Ct,
            because: "the container should be removable once its task has exited");
        // Nothing keeps the chain or the content now: both go without a pass.
        await Eventually.TrueAsync(async () =>
                !await fixture.Client.Snapshots.ListAsync(@namespace: ctl.Namespace, cancellationToken: Ct).AnyAsync(Ct)
                && !await fixture.Client.Content.ListAsync(@namespace: ctl.Namespace, cancellationToken: Ct).AnyAsync(Ct),
            Ct, within: TimeSpan.FromSeconds(30), because: "the container was the last thing that kept the image's snapshots and content");
    }

    public void Dispose() => _scratch.Dispose();
}
