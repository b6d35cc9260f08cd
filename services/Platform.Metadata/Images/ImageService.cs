using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Common.Limits;
using Microsoft.Extensions.Logging;
using Platform.Common.Filters;
using Platform.Common.Identifiers;
using Platform.Common.Paging;
using Platform.Contracts.Images;
using Platform.Hosting.Commands;
using Platform.Metadata.Store;

namespace Platform.Metadata.Images;

/// <summary>
/// The image use cases behind the consumers: normalise and validate, reference the target content before committing,
/// write with the event, reply. No lock is held: concurrent writers meet at the store's version check. Writes given a
/// <see cref="CommandKey"/> run once per key: a redelivery gets the first outcome (<see cref="CommandOnce"/>).
/// </summary>
public sealed class ImageService(IImageStore store, IImageReferences references, TimeProvider clock, ILogger<ImageService> logger,
    IOptions<ObjectLimits>? limits = null, [FromKeyedServices(MetadataDatabase.Name)] CommandOnce? commands = null)
{
    private readonly ObjectLimits _limits = limits?.Value ?? new ObjectLimits();
    private readonly CommandOnce _once = commands ?? CommandOnce.Unrecorded;

    private const string TokenTag = "i1";

    // A write that lost a race (no expected version given) re-reads and re-applies this many times.
    private const int MaxWriteAttempts = 8;

    /// <param name="command">The command's key: a second delivery of it returns the image the first one created.</param>
    public Task<Image> CreateAsync(CreateImage request, CancellationToken cancellationToken, CommandKey? command = null) =>
        _once.RunAsync<Image>(command, outcome => CreateOnceAsync(request, outcome, cancellationToken), cancellationToken);

    private async Task<Image> CreateOnceAsync(CreateImage request, Func<Image, CommandOutcome?> outcome, CancellationToken cancellationToken)
    {
        var image = ImageRules.ForCreate(request, clock.GetUtcNow());
        _limits.CheckLabels(image.Labels, $"image {image.Name}");
        // Spares the resource service a reference taken for nothing; the store refuses a duplicate anyway.
        if (await store.GetAsync(image.Namespace, image.Name, cancellationToken) is not null)
            throw ImageRules.AlreadyExists(image.Namespace, image.Name);

        await references.AddAsync(image, cancellationToken);
        try
        {
            await store.CreateAsync(image, seq => new ImageCreated
            {
                EventId = Guid.NewGuid(),
                Timestamp = image.CreatedAt,
                Namespace = image.Namespace,
                Sequence = seq,
                Image = image,
            }, cancellationToken, outcome(image));
        }
        catch
        {
            // This incarnation's reference (its own creation time) only: a winner of the race keeps its own.
            await references.RemoveAsync(image, CancellationToken.None);
            throw;
        }
        logger.LogDebug("Image {Namespace}/{ImageName} created pointing at {Digest}", image.Namespace, image.Name, image.Target.Digest);
        return image;
    }

    public async Task<Image> GetAsync(GetImage request, CancellationToken cancellationToken)
    {
        var (ns, name) = ImageRules.Address(request.Namespace, request.Name);
        return await store.GetAsync(ns, name, cancellationToken) ?? throw ImageRules.NotFound(ns, name);
    }

    public async Task<ListImagesResult> ListAsync(ListImages request, CancellationToken cancellationToken)
    {
        var ns = ImageRules.NamespaceOf(request.Namespace);
        Identifiers.Validate(ns, "namespace");
        var filters = FilterSet.Parse(request.Filters);
        var page = await store.ListAsync(ns, filters, PageLimits.Of(request.Limit), ContinuationTokens.Decode(TokenTag, request.ContinuationToken), cancellationToken);
        var fit = _limits.FitPage(page.Images, i => ObjectLimits.Bytes(i.Name) + ObjectLimits.SizeOf(i.Labels) + 512);
        if (fit < page.Images.Count)
            return new ListImagesResult { Images = page.Images.Take(fit).ToList(), ContinuationToken = ContinuationTokens.Encode(TokenTag, page.Images[fit - 1].Name) };
        return new ListImagesResult { Images = page.Images, ContinuationToken = ContinuationTokens.Encode(TokenTag, page.After) };
    }

    /// <param name="command">The command's key: a second delivery of it returns the image as the first one left it.</param>
    public Task<Image> UpdateAsync(UpdateImage request, CancellationToken cancellationToken, CommandKey? command = null) =>
        _once.RunAsync<Image>(command, outcome => UpdateOnceAsync(request, outcome, cancellationToken), cancellationToken);

    private async Task<Image> UpdateOnceAsync(UpdateImage request, Func<Image, CommandOutcome?> outcome, CancellationToken cancellationToken)
    {
        var (ns, name) = ImageRules.Address(request.Namespace, request.Name);
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.GetAsync(ns, name, cancellationToken) ?? throw ImageRules.NotFound(ns, name);
            ImageRules.CheckExpectedVersion(stored, request.ExpectedVersion);
            var updated = ImageRules.ApplyUpdate(stored, request, clock.GetUtcNow());
            _limits.CheckLabels(updated.Labels, $"image {updated.Name}");
            var moved = ImageRules.TargetMoved(stored, updated);
            if (moved)
                await references.AddAsync(updated, cancellationToken);

            bool written;
            try
            {
                written = await store.UpdateAsync(updated, stored.Version, seq => new ImageUpdated
                {
                    EventId = Guid.NewGuid(),
                    Timestamp = updated.UpdatedAt,
                    Namespace = ns,
                    Sequence = seq,
                    Image = updated,
                    PreviousTarget = moved ? stored.Target : null,
                }, cancellationToken, outcome(updated));
            }
            catch
            {
                if (moved)
                    await references.RemoveAsync(updated, CancellationToken.None);
                throw;
            }

            if (written)
            {
                logger.LogDebug("Image {Namespace}/{ImageName} updated to version {Version}", ns, name, updated.Version);
                return updated;
            }
            if (moved)
                await references.RemoveAsync(updated, CancellationToken.None);
            if (request.ExpectedVersion is not null || attempt == MaxWriteAttempts)
                throw ImageRules.ChangedConcurrently(ns, name);
        }
    }

    /// <param name="command">The command's key: a second delivery of it returns the image the first one deleted.</param>
    public Task<Image> DeleteAsync(DeleteImage request, CancellationToken cancellationToken, CommandKey? command = null) =>
        _once.RunAsync<Image>(command, outcome => DeleteOnceAsync(request, outcome, cancellationToken), cancellationToken);

    private async Task<Image> DeleteOnceAsync(DeleteImage request, Func<Image, CommandOutcome?> outcome, CancellationToken cancellationToken)
    {
        var (ns, name) = ImageRules.Address(request.Namespace, request.Name);
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.GetAsync(ns, name, cancellationToken) ?? throw ImageRules.NotFound(ns, name);
            ImageRules.CheckExpectedVersion(stored, request.ExpectedVersion);
            var deleted = await store.DeleteAsync(ns, name, stored.Version, seq => new ImageDeleted
            {
                EventId = Guid.NewGuid(),
                Timestamp = clock.GetUtcNow(),
                Namespace = ns,
                Sequence = seq,
                Name = name,
                Target = stored.Target,
                Labels = stored.Labels,
                CreatedAt = stored.CreatedAt,
            }, cancellationToken, outcome(stored));
            if (deleted)
            {
                logger.LogDebug("Image {Namespace}/{ImageName} deleted", ns, name);
                return stored;
            }
            if (request.ExpectedVersion is not null || attempt == MaxWriteAttempts)
                throw ImageRules.ChangedConcurrently(ns, name);
        }
    }
}
