using Platform.Contracts.Images;
using Platform.Metadata.Images;
using Xunit;

namespace Platform.Metadata.Tests.Support;

/// <summary>Images and descriptors with every field set, and a field-by-field comparison (record equality compares dictionaries by reference).</summary>
public static class ImageSamples
{
    public static string Digest(int n) => "sha256:" + n.ToString("x64");

    public static Descriptor Manifest(int n, string mediaType = ImageRules.OciManifest) =>
        new() { MediaType = mediaType, Digest = Digest(n), Size = 1000 + n };

    public static Image Image(string @namespace, string name, int target = 1) => new()
    {
        Namespace = @namespace,
        Name = name,
        Target = Manifest(target),
        Labels = new Dictionary<string, string>
        {
            ["env"] = "prod",
            ["example.com/owner"] = "team-a",
            ["$dollar.key"] = "$value",
        },
        CreatedAt = Samples.Epoch,
        UpdatedAt = Samples.Epoch,
        Version = 1,
    };

    public static Image Minimal(string @namespace, string name) => Image(@namespace, name) with { Labels = new Dictionary<string, string>() };

    public static void Same(Image expected, Image? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Namespace, actual.Namespace);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Target, actual.Target);
        Assert.Equal(ContainerAssert.Sorted(expected.Labels), ContainerAssert.Sorted(actual.Labels));
        Assert.Equal(expected.CreatedAt.UtcTicks, actual.CreatedAt.UtcTicks);
        Assert.Equal(expected.UpdatedAt.UtcTicks, actual.UpdatedAt.UtcTicks);
        Assert.Equal(expected.Version, actual.Version);
    }
}
