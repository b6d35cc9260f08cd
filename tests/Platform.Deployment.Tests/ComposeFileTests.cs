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

    // Credentials as a person would put them in .env: made up per run, so a test can find them in the output.
    private static readonly Dictionary<string, string> Credentials = new()
    {
        ["PLATFORM_RABBITMQ_USER"] = $"mq{Guid.NewGuid():N}"[..12],
        ["PLATFORM_RABBITMQ_PASSWORD"] = Guid.NewGuid().ToString("N"),
        ["PLATFORM_MONGO_USER"] = $"db{Guid.NewGuid():N}"[..12],
        ["PLATFORM_MONGO_PASSWORD"] = Guid.NewGuid().ToString("N"),
    };

    private static string DockerCompose()
    {
        var compose = Repo.FindOnPath("docker-compose");
        if (compose is null)
        {
            const string reason = "docker-compose is not installed (Debian package docker-compose; ./build.sh test installs it)";
            if (Requirements.InCi)
                Assert.Fail(reason);
            Assert.Skip(reason);
        }
        return compose;
    }

    /// <summary><c>docker-compose config</c> with the given env file (never the developer's own <c>.env</c>).</summary>
    private static Task<Repo.Result> RunConfigAsync(string envFile) =>
        Repo.RunAsync(DockerCompose(), ["--env-file", envFile, "-f", "docker-compose.yml", "config"], TimeSpan.FromSeconds(60), Ct);

    /// <summary>
    /// The normalised file from <c>docker-compose config</c>, with compose.env.example filled in as its comments ask;
    /// fails (CI) or skips (elsewhere) without docker-compose.
    /// </summary>
    private static async Task<string> ConfigAsync()
    {
        var envFile = Path.Combine(Path.GetTempPath(), $"platform-compose-{Guid.NewGuid():N}.env");
        var lines = File.ReadAllLines(Repo.PathOf("compose.env.example")).Select(line =>
        {
            var equals = line.IndexOf('=');
            return equals > 0 && !line.StartsWith('#') && Credentials.TryGetValue(line[..equals], out var value) ? $"{line[..equals]}={value}" : line;
        });
        await File.WriteAllLinesAsync(envFile, lines, Ct);
        try
        {
            var result = await RunConfigAsync(envFile);
            Assert.True(result.ExitCode == 0, $"docker-compose config rejected docker-compose.yml:\n{result}");
            return result.StdOut;
        }
        finally
        {
            File.Delete(envFile);
        }
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
        Assert.Equal($"amqp://{Credentials["PLATFORM_RABBITMQ_USER"]}:{Credentials["PLATFORM_RABBITMQ_PASSWORD"]}@rabbitmq:5672/",
            environment?.Child("Bus__Uri")?.Value);
        Assert.Equal($"mongodb://{Credentials["PLATFORM_MONGO_USER"]}:{Credentials["PLATFORM_MONGO_PASSWORD"]}@mongo:27017/?replicaSet=rs0&authSource=admin",
            environment?.Child("Store__MongoUri")?.Value);

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
        Assert.Equal(["--replSet", "rs0", "--bind_ip_all", "--keyFile", "/data/configdb/replica.key"], mongo.Child("command")!.Items);
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

    [Fact]
    public async Task Publishes_every_port_on_127_0_0_1_only()
    {
        var output = await ConfigAsync();
        var services = SimpleYaml.Parse(output).Child("services")!;

        var published = services.Children.SelectMany(service => (service.Child("ports")?.Items ?? []).Select(port => (service.Key, port))).ToList();

        Assert.Contains(published, p => p.Key == "rabbitmq" && p.port.StartsWith("127.0.0.1:5672:", StringComparison.Ordinal));
        Assert.Contains(published, p => p.Key == "mongo" && p.port.StartsWith("127.0.0.1:27017:", StringComparison.Ordinal));
        Assert.All(published, p => Assert.True(p.port.StartsWith("127.0.0.1:", StringComparison.Ordinal), $"{p.Key} publishes {p.port} beyond 127.0.0.1"));
        // Nothing published in the long form, which the list above would not show.
        Assert.DoesNotContain("published:", output);
    }

    [Fact]
    public async Task Has_no_guest_and_takes_every_credential_from_the_env_file()
    {
        var output = await ConfigAsync();
        var services = SimpleYaml.Parse(output).Child("services")!;

        Assert.DoesNotContain("guest", output, StringComparison.OrdinalIgnoreCase);
        var rabbit = services.Child("rabbitmq")!.Child("environment");
        Assert.Equal(Credentials["PLATFORM_RABBITMQ_USER"], rabbit?.Child("RABBITMQ_DEFAULT_USER")?.Value);
        Assert.Equal(Credentials["PLATFORM_RABBITMQ_PASSWORD"], rabbit?.Child("RABBITMQ_DEFAULT_PASS")?.Value);
        var mongo = services.Child("mongo")!.Child("environment");
        Assert.Equal(Credentials["PLATFORM_MONGO_USER"], mongo?.Child("MONGO_INITDB_ROOT_USERNAME")?.Value);
        Assert.Equal(Credentials["PLATFORM_MONGO_PASSWORD"], mongo?.Child("MONGO_INITDB_ROOT_PASSWORD")?.Value);
        foreach (var name in new[] { "metadata", "resource-gc", "task-runner" })
        {
            var environment = services.Child(name)!.Child("environment")!;
            Assert.Contains($"{Credentials["PLATFORM_RABBITMQ_USER"]}:{Credentials["PLATFORM_RABBITMQ_PASSWORD"]}@rabbitmq:5672", environment.Child("Bus__Uri")!.Value);
            Assert.Contains($"{Credentials["PLATFORM_MONGO_USER"]}:{Credentials["PLATFORM_MONGO_PASSWORD"]}@mongo:27017", environment.Child("Store__MongoUri")!.Value);
            Assert.Contains("authSource=admin", environment.Child("Store__MongoUri")!.Value);
        }
        // The replica set's key file, which authentication with a replica set requires, is made before mongod starts.
        Assert.Contains(services.Child("mongo")!.Child("volumes")!.Items, v => v.StartsWith("mongo-config:/data/configdb", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refuses_to_run_with_the_example_env_file_left_unfilled_and_names_what_is_missing()
    {
        var result = await RunConfigAsync(Repo.PathOf("compose.env.example"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches("set PLATFORM_(RABBITMQ|MONGO)_PASSWORD in .env", result.StdErr);
    }

    [Fact]
    public void Keeps_the_real_env_file_out_of_git_and_out_of_the_image_build_context()
    {
        Assert.Contains(".env", File.ReadAllLines(Repo.PathOf(".gitignore")).Select(l => l.Trim()));
        Assert.Contains(".env", File.ReadAllLines(Repo.PathOf(".dockerignore")).Select(l => l.Trim()));
        Assert.True(File.Exists(Repo.PathOf("compose.env.example")));
    }
}
