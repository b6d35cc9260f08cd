using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Testing;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// Platform on the real broker and store, with every event recorded as a subscriber sees it. Network records need no
/// runtime: containers here are metadata only (their tasks are never created).
/// </summary>
public sealed class NetworkFixture : PlatformFixture
{
    private IAsyncDisposable? _subscription;
    private readonly ConcurrentDictionary<Guid, bool> _seen = new();

    /// <summary>Every event, in arrival order, duplicates dropped by id.</summary>
    public ConcurrentQueue<IPlatformEvent> Events { get; } = new();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        try
        {
            Requirements.RabbitMq();
        }
        catch (Exception)
        {
            return; // each test reports the missing broker
        }
        _subscription = await Client.Events.SubscribeAsync((e, _) =>
        {
            if (_seen.TryAdd(e.EventId, true))
                Events.Enqueue(e);
            return Task.CompletedTask;
        });
    }

    public override async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
            await _subscription.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>A container record of <paramref name="ns"/>, on <paramref name="network"/> when given (else on no label: the default network).</summary>
    public Task<Container> ContainerAsync(string ns, string id, string? network, CancellationToken cancellationToken) =>
        Client.Containers.CreateAsync(new CreateContainer
        {
            Namespace = ns, Id = id, Runtime = new RuntimeInfo { Name = "runc" }, Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""",
            Labels = network is null ? null : new Dictionary<string, string> { [Common.Networks.NetworkLabels.Network] = network },
        }, cancellationToken);
}
