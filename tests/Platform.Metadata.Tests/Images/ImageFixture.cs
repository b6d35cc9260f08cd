using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Metadata.Images;
using Platform.Metadata.Store;
using Platform.Metadata.Tests.Support;
using Platform.Testing;
using Xunit;

namespace Platform.Metadata.Tests.Images;

/// <summary>
/// The real host on the real broker (the same composition as platformd), with the content store replaced by
/// <see cref="RecordingImageReferences"/>. Tests share it and keep apart by using a namespace each; every event
/// published while the fixture runs is collected in <see cref="Events"/>.
/// </summary>
public sealed class ImageFixture : PlatformFixture
{
    private IAsyncDisposable? _subscription;

    public ConcurrentQueue<IPlatformEvent> Events { get; } = new();

    public RecordingImageReferences References => Services.GetRequiredService<RecordingImageReferences>();

    public IImageStore Store => Services.GetRequiredService<IImageStore>();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<RecordingImageReferences>();
        services.AddSingleton<IImageReferences>(sp => sp.GetRequiredService<RecordingImageReferences>());
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        try
        {
            _subscription = await Client.Events.SubscribeAsync((e, _) =>
            {
                Events.Enqueue(e);
                return Task.CompletedTask;
            });
        }
        catch (Exception)
        {
            // No broker: each test reports it through Client.
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
            await _subscription.DisposeAsync();
        await base.DisposeAsync();
    }

    public static string NewNamespace() => "img-" + Guid.NewGuid().ToString("N")[..10];

    public IReadOnlyList<T> EventsIn<T>(string @namespace) where T : IPlatformEvent => [.. Events.OfType<T>().Where(e => e.Namespace == @namespace)];

    public IReadOnlyList<IPlatformEvent> EventsIn(string @namespace) => [.. Events.Where(e => e.Namespace == @namespace)];

    /// <summary>Waits until <paramref name="count"/> events of the namespace arrived.</summary>
    public Task EventsArriveAsync(string @namespace, int count) =>
        Eventually.TrueAsync(() => EventsIn(@namespace).Count >= count, TestContext.Current.CancellationToken, because: $"{count} events in {@namespace}");
}
