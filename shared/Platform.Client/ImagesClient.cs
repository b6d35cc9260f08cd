using System.Runtime.CompilerServices;
using Platform.Contracts;
using Platform.Contracts.Images;
using Platform.Contracts.Resources;

namespace Platform.Client;

/// <summary>
/// Images: create, get, list, update, label, retarget, tag and delete. Names may be given in any form docker accepts
/// (<c>busybox</c>, <c>acc/bb:1</c>); the service normalises them and returns the normalised name. Calls without a
/// namespace use the client's.
/// </summary>
public sealed class ImagesClient(PlatformClient client)
{
    private static readonly string CreateQueue = QueueNames.Of<CreateImage>();
    private static readonly string GetQueue = QueueNames.Of<GetImage>();
    private static readonly string ListQueue = QueueNames.Of<ListImages>();
    private static readonly string UpdateQueue = QueueNames.Of<UpdateImage>();
    private static readonly string DeleteQueue = QueueNames.Of<DeleteImage>();

    public async Task<Image> CreateAsync(CreateImage request, CancellationToken cancellationToken = default)
    {
        var result = await client.RequestAsync<CreateImage, ImageResult>(CreateQueue,
            request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken);
        return result.Image;
    }

    /// <summary>Creates <paramref name="name"/> pointing at <paramref name="target"/>.</summary>
    public Task<Image> CreateAsync(string name, Descriptor target, IReadOnlyDictionary<string, string>? labels = null,
        string? @namespace = null, CancellationToken cancellationToken = default) =>
        CreateAsync(new CreateImage { Namespace = @namespace, Name = name, Target = target, Labels = labels }, cancellationToken);

    public async Task<Image> GetAsync(string name, string? @namespace = null, CancellationToken cancellationToken = default)
    {
        var result = await client.RequestAsync<GetImage, ImageResult>(GetQueue,
            new GetImage { Namespace = client.Namespace(@namespace), Name = name }, cancellationToken);
        return result.Image;
    }

    /// <summary>One page; pass the returned token back to get the next.</summary>
    public Task<ListImagesResult> ListPageAsync(ListImages request, CancellationToken cancellationToken = default) =>
        client.RequestAsync<ListImages, ListImagesResult>(ListQueue,
            request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken);

    /// <summary>Every matching image in name order, fetched page by page so no single message grows with the namespace.</summary>
    public async IAsyncEnumerable<Image> ListAsync(IReadOnlyList<string>? filters = null, string? @namespace = null,
        int pageSize = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await ListPageAsync(new ListImages
            {
                Namespace = @namespace, Filters = filters, Limit = pageSize, ContinuationToken = token,
            }, cancellationToken);
            foreach (var image in page.Images)
                yield return image;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    public async Task<Image> UpdateAsync(UpdateImage request, CancellationToken cancellationToken = default)
    {
        var result = await client.RequestAsync<UpdateImage, ImageResult>(UpdateQueue,
            request with { Namespace = client.Namespace(request.Namespace) }, cancellationToken);
        return result.Image;
    }

    /// <summary>Sets the given labels and leaves the others alone; an empty or null value removes that label.</summary>
    public Task<Image> SetLabelsAsync(string name, IReadOnlyDictionary<string, string?> labels, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        UpdateAsync(new UpdateImage
        {
            Namespace = @namespace,
            Name = name,
            UpdateMask = labels.Keys.Select(k => "labels." + k).ToList(),
            Labels = labels.Where(kv => !string.IsNullOrEmpty(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value!),
        }, cancellationToken);

    /// <summary>Points the image at another manifest or index; labels stay. NotFound when that content does not exist.</summary>
    public Task<Image> SetTargetAsync(string name, Descriptor target, long? expectedVersion = null, string? @namespace = null,
        CancellationToken cancellationToken = default) =>
        UpdateAsync(new UpdateImage
        {
            Namespace = @namespace, Name = name, UpdateMask = ["target"], Target = target, ExpectedVersion = expectedVersion,
        }, cancellationToken);

    /// <summary>
    /// docker tag: creates <paramref name="newName"/> with the target and labels of <paramref name="source"/>.
    /// NotFound when the source does not exist, AlreadyExists when the new name is taken.
    /// </summary>
    public async Task<Image> TagAsync(string source, string newName, string? @namespace = null, CancellationToken cancellationToken = default)
    {
        var image = await GetAsync(source, @namespace, cancellationToken);
        return await CreateAsync(new CreateImage
        {
            Namespace = image.Namespace, Name = newName, Target = image.Target, Labels = image.Labels,
        }, cancellationToken);
    }

    /// <summary>Deletes the image (the name only). Returns it as it was.</summary>
    public async Task<Image> DeleteAsync(string name, long? expectedVersion = null, string? @namespace = null,
        CancellationToken cancellationToken = default)
    {
        var result = await client.RequestAsync<DeleteImage, ImageResult>(DeleteQueue,
            new DeleteImage { Namespace = client.Namespace(@namespace), Name = name, ExpectedVersion = expectedVersion },
            cancellationToken);
        return result.Image;
    }

    /// <summary>
    /// Names <paramref name="target"/> <paramref name="name"/>: creates the image, or, when the name exists, moves it to the
    /// target (as docker load, pull and tag do; its labels stay). Retries when a concurrent writer got in between.
    /// </summary>
    public async Task<Image> PutAsync(string name, Descriptor target, string? @namespace = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CreateAsync(name, target, null, @namespace, cancellationToken);
            }
            catch (Common.Errors.PlatformException e) when (e.Kind == ErrorKind.AlreadyExists && attempt < 4)
            {
            }
            try
            {
                var existing = await GetAsync(name, @namespace, cancellationToken);
                if (existing.Target.Digest == target.Digest && existing.Target.MediaType == target.MediaType)
                    return existing;
                return await SetTargetAsync(name, target, existing.Version, @namespace, cancellationToken);
            }
            catch (Common.Errors.PlatformException e) when (e.Kind is ErrorKind.NotFound or ErrorKind.FailedPrecondition && attempt < 4)
            {
                // Deleted or changed meanwhile: start over.
            }
        }
    }

    /// <summary>
    /// Has the resource GC service fetch an image from its registry straight into the content store, under the request's
    /// lease (see <see cref="FetchImage"/>). The service may take as long as the registry does: the request may be held up to
    /// <paramref name="held"/> beyond the client's timeout.
    /// </summary>
    public Task<FetchImageResult> FetchAsync(FetchImage request, TimeSpan held, CancellationToken cancellationToken = default) =>
        client.RequestAsync<FetchImage, FetchImageResult>(QueueNames.Of<FetchImage>(), request with { Namespace = client.Namespace(request.Namespace) },
            held, cancellationToken);

    /// <summary>
    /// Unpacks the image whose target is <paramref name="digest"/> into snapshots (the resource GC service reuses what
    /// exists): the reply names the chain to prepare a container's rootfs from.
    /// </summary>
    public Task<UnpackImageResult> UnpackAsync(string digest, string? platform = null, string? snapshotter = null, string? leaseId = null,
        string? @namespace = null, CancellationToken cancellationToken = default) =>
        client.RequestAsync<UnpackImage, UnpackImageResult>(QueueNames.Of<UnpackImage>(), new UnpackImage
        {
            Namespace = client.Namespace(@namespace), Digest = digest, Platform = platform, Snapshotter = snapshotter, LeaseId = leaseId,
        }, cancellationToken);
}
