using Platform.Common.Errors;
using Platform.Common.Identifiers;
using Platform.Common.Labels;
using Platform.Common.References;
using Platform.Contracts;
using Platform.Contracts.Images;

namespace Platform.Metadata.Images;

/// <summary>
/// containerd's image rules with docker's names: what a valid image is, and how a field-masked update applies to the
/// stored image. Names are normalised here, so <c>busybox</c> and <c>docker.io/library/busybox:latest</c> are one image.
/// Pure functions: the service and the stores call them.
/// </summary>
public static class ImageRules
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>What an image may point at: a manifest or an index (a manifest list), OCI or Docker schema 2.</summary>
    public static readonly IReadOnlyList<string> TargetMediaTypes = [OciManifest, OciIndex, DockerManifest, DockerManifestList];

    public static string NamespaceOf(string? requested) =>
        string.IsNullOrEmpty(requested) ? Namespaces.Default : requested;

    /// <summary>Checks a request's namespace and name and normalises the name: the first two checks of every command.</summary>
    public static (string Namespace, string Name) Address(string? @namespace, string? name)
    {
        var ns = NamespaceOf(@namespace);
        Identifiers.Validate(ns, "namespace");
        return (ns, ImageName.Normalize(name));
    }

    /// <summary>Builds the image a create asks for: namespace, name, labels, then the target.</summary>
    public static Image ForCreate(CreateImage request, DateTimeOffset now)
    {
        var (ns, name) = Address(request.Namespace, request.Name);
        var labels = Labels.WithoutEmpty(request.Labels);
        Labels.Validate(labels);
        ValidateTarget(request.Target, name);
        return new Image
        {
            Namespace = ns,
            Name = name,
            Target = request.Target!,
            Labels = labels,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
    }

    /// <summary>A target must be a manifest or index with a sha256 digest and a positive size.</summary>
    public static void ValidateTarget(Descriptor? target, string name)
    {
        if (target is null)
            throw PlatformException.InvalidArgument($"image {name}: target must be set (mediaType, digest and size of a manifest or index)");
        if (string.IsNullOrEmpty(target.MediaType) || !TargetMediaTypes.Contains(target.MediaType))
            throw PlatformException.InvalidArgument(
                $"image {name}: target.mediaType \"{target.MediaType}\" is not a manifest or index; use one of {string.Join(", ", TargetMediaTypes)}");
        Digests.Validate(target.Digest, $"image {name}: target.digest");
        if (target.Size <= 0)
            throw PlatformException.InvalidArgument($"image {name}: target.size must be greater than 0 (got {target.Size})");
    }

    /// <summary>
    /// Applies an update to the stored image and returns the merged result, validated like a create. Only the masked
    /// fields change; everything else comes from <paramref name="stored"/>. The name never changes.
    /// </summary>
    public static Image ApplyUpdate(Image stored, UpdateImage request, DateTimeOffset now)
    {
        var labels = new Dictionary<string, string>(stored.Labels);
        var target = stored.Target;

        if (request.UpdateMask is not { Count: > 0 } mask)
        {
            labels = Labels.WithoutEmpty(request.Labels);
            target = request.Target!;
            ValidateTarget(request.Target, stored.Name);
        }
        else
        {
            foreach (var path in mask)
            {
                switch (path)
                {
                    case "target":
                        ValidateTarget(request.Target, stored.Name);
                        target = request.Target!;
                        break;
                    case "labels":
                        labels = Labels.WithoutEmpty(request.Labels);
                        break;
                    case var p when p.StartsWith("labels.", StringComparison.Ordinal):
                        var key = p["labels.".Length..];
                        Labels.Set(labels, key, request.Labels?.GetValueOrDefault(key));
                        break;
                    default:
                        throw PlatformException.InvalidArgument(
                            $"image {stored.Name}: cannot update {path}; updatable paths are target, labels, labels.<key>");
                }
            }
        }
        Labels.Validate(labels);

        return stored with
        {
            Labels = labels,
            Target = target,
            UpdatedAt = now > stored.UpdatedAt ? now : stored.UpdatedAt.AddTicks(1),
            Version = stored.Version + 1,
        };
    }

    /// <summary>
    /// Whether an update moves the image's content reference: only a new digest does. A corrected media type or size
    /// of the same digest points at the same blob, and releasing the "previous" reference would release the current one.
    /// </summary>
    public static bool TargetMoved(Image stored, Image updated) => stored.Target.Digest != updated.Target.Digest;

    public static void CheckExpectedVersion(Image stored, long? expected)
    {
        if (expected is { } v && v != stored.Version)
            throw PlatformException.FailedPrecondition(
                $"image {stored.Name} in namespace {stored.Namespace} is at version {stored.Version}, not the expected {v}; get it again and retry");
    }

    /// <summary>The refusal of a second image with a taken name, by the service's early check or a store's constraint.</summary>
    public static PlatformException AlreadyExists(string ns, string name) =>
        PlatformException.AlreadyExists($"image {name} already exists in namespace {ns}");

    public static PlatformException NotFound(string ns, string name) =>
        PlatformException.NotFound($"image {name} not found in namespace {ns}");

    public static PlatformException ChangedConcurrently(string ns, string name) =>
        PlatformException.FailedPrecondition($"image {name} in namespace {ns} was changed concurrently; get it again and retry");
}
