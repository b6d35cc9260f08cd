using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Client;
using Platform.Hosting.Bus;
using Platform.Hosting.Logging;
using Platform.Hosting.Outbox;
using Platform.Metadata;
using Platform.ResourceGc;
using Platform.TaskRunner;
using Platform.TaskRunner.Store;
using Platform.TaskRunner.Tasks;
using Platform.Contracts.Tasks;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// A real Platform host (the same composition as platformd) on the real broker, with a temporary data root
/// and a unique queue prefix so concurrent fixtures and a running platformd never share queues. Drive it
/// through <see cref="Client"/>, the library users call. Use it as a class fixture.
/// </summary>
public class PlatformFixture : IAsyncLifetime
{
    private IHost? _host;
    private PlatformClient? _client;

    public string Prefix { get; } = $"t{Guid.NewGuid():N}"[..13] + "-";

    public string DataRoot { get; } = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The client; skips (or fails under CI) the calling test when the broker is not there.</summary>
    public PlatformClient Client
    {
        get
        {
            Requirements.RabbitMq();
            return _client ?? throw new InvalidOperationException("the fixture did not start");
        }
    }

    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("the fixture did not start");

    /// <summary>Extra configuration for a derived fixture (e.g. <c>Outbox:Enabled=false</c>).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Replaces services for a derived fixture (e.g. a task guard that fails) before the host is built.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Changes what the services registered (e.g. wraps a store), after they did and before the host is built.</summary>
    protected virtual void OverrideServices(IServiceCollection services)
    {
    }

    public PlatformClientOptions ClientOptions => new() { BusUri = Requirements.BusUri, EndpointPrefix = Prefix, Timeout = TimeSpan.FromSeconds(20) };

    public virtual async ValueTask InitializeAsync()
    {
        try
        {
            Requirements.RabbitMq();
        }
        catch (Exception)
        {
            return; // each test reports the missing broker through Client
        }
        _host = BuildHost();
        await _host.StartAsync();
        _client = await PlatformClient.ConnectAsync(ClientOptions);
    }

    /// <summary>A host like platformd's, configured for this fixture. Also used to restart the service in tests.</summary>
    public IHost BuildHost(IDictionary<string, string?>? overrides = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?>
        {
            ["Bus:Uri"] = Requirements.BusUri.ToString(),
            ["Bus:EndpointPrefix"] = Prefix,
            ["Store:DataRoot"] = DataRoot,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in Settings)
            settings[k] = v;
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>())
            settings[k] = v;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddPlatformLogging("test");
        ConfigureServices(builder.Services);
        builder.Services.AddMetadataService(builder.Configuration);
        builder.Services.AddResourceGcService(builder.Configuration);
        builder.Services.AddTaskRunnerService(builder.Configuration);
        builder.Services.AddPlatformBus(builder.Configuration, endpoints => endpoints.AddMetadataConsumers().AddResourceGcConsumers().AddTaskRunnerConsumers());
        builder.Services.AddOutboxRelay(builder.Configuration);
        OverrideServices(builder.Services);
        return builder.Build();
    }

    /// <summary>
    /// Stops the services (tasks keep running under their monitors), runs <paramref name="whileStopped"/>, and starts
    /// them again on the same data root and queues: a task runner (and platformd) restart.
    /// </summary>
    public async Task RestartAsync(Func<Task>? whileStopped = null)
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        if (whileStopped is not null)
            await whileStopped();
        _host = BuildHost();
        await _host.StartAsync();
    }

    /// <summary>Force-deletes every task the fixture's runner still has, so no container outlives the test class.</summary>
    public static async Task KillTasksAsync(IServiceProvider services)
    {
        var store = services.GetService<ITaskStore>();
        if (store is null)
            return;
        var tasks = services.GetRequiredService<TaskLifecycle>();
        foreach (var task in await store.ListAsync(null, CancellationToken.None))
        {
            try
            {
                await tasks.DeleteAsync(new DeleteTask { Namespace = task.Namespace, ContainerId = task.ContainerId, Force = true }, CancellationToken.None);
            }
            catch (Exception)
            {
                // Best effort: the runtime folder is removed with the data root below.
            }
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_client is not null)
            await _client.DisposeAsync();
        if (_host is not null)
        {
            await KillTasksAsync(_host.Services);
            await _host.StopAsync();
            _host.Dispose();
        }
        await BrokerCleanup.DeleteQueuesAsync(Requirements.BusUri, Prefix);
        try
        {
            Directory.Delete(DataRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        GC.SuppressFinalize(this);
    }
}
