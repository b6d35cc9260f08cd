using Platform.Contracts.Images;

namespace Platform.Metadata.Images;

/// <summary>
/// Registers an image's reference on its target content with the resource owner <b>before</b> the image (or its new
/// target) is committed, so a concurrent collection cannot remove the content in between (DESIGN.md invariant 2): an
/// image is a GC root. The owner is (<c>image</c>, normalised name, creation time in ticks), so a re-created image's
/// reference is not released by its predecessor's deletion. <see cref="BusImageReferences"/> asks the resource GC service.
/// </summary>
public interface IImageReferences
{
    /// <summary>Adds the reference from the image to its target's content. NotFound when that content does not exist.</summary>
    Task AddAsync(Image image, CancellationToken cancellationToken);

    /// <summary>Removes that reference again: the compensation when the image's commit failed.</summary>
    Task RemoveAsync(Image image, CancellationToken cancellationToken);
}
