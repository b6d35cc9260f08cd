using System.Collections.Concurrent;
using Platform.Common.Errors;
using Platform.Contracts.Images;
using Platform.Metadata.Images;
using Platform.Metadata.Store;

namespace Platform.Metadata.Tests.Support;

/// <summary>
/// Stands in for the content store until it exists: records every reference call together with what the image store
/// held at that moment (so a test sees whether the reference came before the commit), refuses content it is told is
/// missing with NotFound, and can run a step of the test's own in the middle of an add (another writer racing).
/// </summary>
public sealed class RecordingImageReferences(IImageStore store) : IImageReferences
{
    public sealed record Call(string Operation, Image Image, Image? StoredThen);

    private readonly ConcurrentQueue<Call> _calls = new();

    /// <summary>Digests whose content "does not exist": adding a reference to them is NotFound.</summary>
    public ConcurrentDictionary<string, bool> MissingContent { get; } = new();

    /// <summary>Runs after an add is recorded and before it returns, for the image's namespace.</summary>
    public ConcurrentDictionary<string, Func<Image, Task>> DuringAdd { get; } = new();

    public IReadOnlyList<Call> CallsIn(string @namespace) => [.. _calls.Where(c => c.Image.Namespace == @namespace)];

    public async Task AddAsync(Image image, CancellationToken cancellationToken)
    {
        if (MissingContent.ContainsKey(image.Target.Digest))
            throw PlatformException.NotFound($"content {image.Target.Digest} not found");
        _calls.Enqueue(new Call("add", image, await store.GetAsync(image.Namespace, image.Name, cancellationToken)));
        if (DuringAdd.TryGetValue(image.Namespace, out var step))
            await step(image);
    }

    public async Task RemoveAsync(Image image, CancellationToken cancellationToken) =>
        _calls.Enqueue(new Call("remove", image, await store.GetAsync(image.Namespace, image.Name, cancellationToken)));
}
