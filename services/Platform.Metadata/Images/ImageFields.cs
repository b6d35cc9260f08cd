using Platform.Common.Filters;
using Platform.Contracts.Images;

namespace Platform.Metadata.Images;

/// <summary>
/// The fields an image filter can test: <c>name</c> (the normalised name, as stored), <c>target.digest</c>,
/// <c>target.mediatype</c>, <c>labels.KEY</c>. As in containerd, filter values are compared as written: <c>name==busybox</c>
/// matches nothing, <c>name==docker.io/library/busybox:latest</c> or <c>name~=busybox</c> does.
/// </summary>
public readonly struct ImageFields(Image image) : IFieldSource
{
    public bool TryGetField(IReadOnlyList<string> fieldPath, out string value)
    {
        value = "";
        switch (fieldPath)
        {
            case ["name"]:
                value = image.Name;
                return true;
            case ["target", "digest"]:
                value = image.Target.Digest;
                return true;
            case ["target", "mediatype"]:
                value = image.Target.MediaType;
                return true;
            case ["labels", _, ..]:
                return FieldPaths.TryGetLabel(fieldPath, image.Labels, out value);
            default:
                return false;
        }
    }
}
