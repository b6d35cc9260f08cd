using Platform.Testing;
using Xunit;

namespace Platform.Deployment.Tests;

/// <summary>
/// docker-compose.yml can't be run here (no Docker engine), but docker-compose 1.29 validates and normalises
/// it offline. Checking that output keeps the file from rotting unseen.
/// </summary>
public sealed class The_compose_file
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The normalised file from <c>docker-compose config</c>; fails (CI) or skips (elsewhere) without docker-compose.</summary>
    private static async Task<string> ConfigAsync()
    {
        var compose = Repo.FindOnPath("docker-compose");
        if (compose is null)
        {
            const string reason = "docker-compose is not installed (Debian package docker-compose; ./build.sh test installs it)";
            if (Requirements.InCi)
                Assert.Fail(reason);
            Assert.Skip(reason);
        }
        var result = await Repo.RunAsync(compose, ["-f", "docker-compose.yml", "config"], TimeSpan.FromSeconds(60), Ct);
        Assert.True(result.ExitCode == 0, $"docker-compose config rejected docker-compose.yml:\n{result}");
        return result.StdOut;
    }

    [Fact]
    public async Task Is_valid_and_defines_rabbitmq_mongo_and_metadata()
    {
        var config = SimpleYaml.Parse(await ConfigAsync());

        var services = config.Child("services");
        Assert.NotNull(services);
        Assert.Subset(services.Children.Select(c => c.Key).ToHashSet(), new HashSet<string> { "rabbitmq", "mongo", "metadata" });
    }

    [Fact]
    public async Task Starts_metadata_only_once_rabbitmq_and_mongo_are_healthy()
    {
        var config = SimpleYaml.Parse(await ConfigAsync());
        var services = config.Child("services")!;

        var dependsOn = services.Child("metadata")?.Child("depends_on");
        Assert.NotNull(dependsOn);
        foreach (var dependency in new[] { "rabbitmq", "mongo" })
        {
            Assert.Equal("service_healthy", dependsOn.Child(dependency)?.Child("condition")?.Value);
            Assert.NotNull(services.Child(dependency)?.Child("healthcheck")?.Child("test"));
        }
    }

    [Fact]
    public async Task Points_metadata_at_the_broker_and_the_replica_set_and_builds_it_from_its_dockerfile()
    {
        var config = SimpleYaml.Parse(await ConfigAsync());
        var metadata = config.Child("services")!.Child("metadata");
        Assert.NotNull(metadata);

        var environment = metadata.Child("environment");
        Assert.Equal("amqp://guest:guest@rabbitmq:5672/", environment?.Child("Bus__Uri")?.Value);
        Assert.Equal("mongodb://mongo:27017/?replicaSet=rs0", environment?.Child("Store__MongoUri")?.Value);

        var dockerfile = metadata.Child("build")?.Child("dockerfile")?.Value;
        Assert.NotNull(dockerfile);
        Assert.Equal("services/Platform.Metadata.Host/Dockerfile", dockerfile);
        Assert.True(File.Exists(Repo.PathOf(dockerfile)), $"{dockerfile} does not exist");
    }

    [Fact]
    public async Task Runs_mongo_as_a_replica_set_and_shares_a_platform_data_volume()
    {
        var config = SimpleYaml.Parse(await ConfigAsync());
        var mongo = config.Child("services")!.Child("mongo");
        Assert.NotNull(mongo);
        Assert.Equal(["--replSet", "rs0", "--bind_ip_all"], mongo.Child("command")!.Items);
        Assert.Contains("rs.initiate", string.Join(" ", mongo.Child("healthcheck")!.Child("test")!.Items));

        Assert.NotNull(config.Child("volumes")?.Child("platform-data"));
        Assert.Contains(config.Child("services")!.Child("metadata")!.Child("volumes")!.Items,
            v => v.StartsWith("platform-data:/var/lib/platform", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Runs_the_resource_gc_service_on_the_shared_data_volume_with_the_privilege_to_mount()
    {
        var config = SimpleYaml.Parse(await ConfigAsync());
        var gc = config.Child("services")!.Child("resource-gc");
        Assert.NotNull(gc);
        Assert.Equal("services/Platform.ResourceGc.Host/Dockerfile", gc.Child("build")?.Child("dockerfile")?.Value);
        Assert.Equal("true", gc.Child("privileged")?.Value);
        Assert.Contains(gc.Child("volumes")!.Items, v => v.StartsWith("platform-data:/var/lib/platform", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Runs_the_task_runner_privileged_on_the_shared_data_volume()
    {
        var config = SimpleYaml.Parse(await ConfigAsync());
        var runner = config.Child("services")!.Child("task-runner");
        Assert.NotNull(runner);
        Assert.Equal("services/Platform.TaskRunner.Host/Dockerfile", runner.Child("build")?.Child("dockerfile")?.Value);
        Assert.Equal("true", runner.Child("privileged")?.Value);
        Assert.Contains(runner.Child("volumes")!.Items, v => v.StartsWith("platform-data:/var/lib/platform", StringComparison.Ordinal));
    }
}
