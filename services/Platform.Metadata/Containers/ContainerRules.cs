using System.Text.Json;
using Platform.Common.Errors;
using Platform.Common.Identifiers;
using Platform.Common.Labels;
using Platform.Common.Restarts;
using Platform.Contracts;
using Platform.Contracts.Containers;

namespace Platform.Metadata.Containers;

/// <summary>
/// containerd's container rules (SEMANTICS.md): what a valid container is, and how a field-masked update
/// applies to the stored object. Pure functions: the consumers and stores call them.
/// </summary>
public static class ContainerRules
{
    public static string NamespaceOf(string? requested) =>
        string.IsNullOrEmpty(requested) ? Namespaces.Default : requested;

    /// <summary>Checks a request's namespace and id, the first two create checks, shared by every command.</summary>
    public static (string Namespace, string Id) Address(string? @namespace, string? id)
    {
        var ns = NamespaceOf(@namespace);
        Identifiers.Validate(ns, "namespace");
        Identifiers.Validate(id, "container id");
        return (ns, id!);
    }

    /// <summary>Builds the container a create asks for, validated in containerd's order.</summary>
    public static Container ForCreate(CreateContainer request, DateTimeOffset now)
    {
        var (ns, id) = Address(request.Namespace, request.Id);
        var container = new Container
        {
            Namespace = ns,
            Id = id,
            Labels = Labels.WithoutEmpty(request.Labels),
            Image = EmptyToNull(request.Image),
            Runtime = new RuntimeInfo { Name = request.Runtime?.Name ?? "", Options = EmptyToNull(request.Runtime?.Options) },
            Spec = request.Spec ?? "",
            Snapshotter = EmptyToNull(request.Snapshotter),
            SnapshotKey = EmptyToNull(request.SnapshotKey),
            Extensions = request.Extensions is null ? new Dictionary<string, string>() : new Dictionary<string, string>(request.Extensions),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        Validate(container);
        return container;
    }

    /// <summary>Validates every field of a container, in containerd's create order (namespace and id first).</summary>
    public static void Validate(Container c)
    {
        Identifiers.Validate(c.Namespace, "namespace");
        Identifiers.Validate(c.Id, "container id");
        foreach (var key in c.Extensions.Keys)
            if (string.IsNullOrEmpty(key))
                throw PlatformException.InvalidArgument($"container {c.Id}: extension key must not be empty");
        Labels.Validate(c.Labels);
        Common.Health.HealthCheck.FromLabels(c.Labels); // the task runner reads it: refuse a malformed one here
        RestartPolicy.ValidateLabels(c.Labels);
        if (string.IsNullOrWhiteSpace(c.Runtime.Name))
            throw PlatformException.InvalidArgument($"container {c.Id}: runtime.name must be set");
        ValidateJson(c.Spec, $"container {c.Id}: spec", required: true);
        ValidateJson(c.Runtime.Options, $"container {c.Id}: runtime.options", required: false);
        if (c.SnapshotKey is not null && c.Snapshotter is null)
            throw PlatformException.InvalidArgument($"container {c.Id}: snapshotter must be set when a snapshot key is set");
    }

    /// <summary>
    /// Applies an update to the stored container and returns the merged result, validated like a create.
    /// Only the masked fields change; everything else comes from <paramref name="stored"/>.
    /// </summary>
    public static Container ApplyUpdate(Container stored, UpdateContainer request, DateTimeOffset now)
    {
        var labels = new Dictionary<string, string>(stored.Labels);
        var extensions = new Dictionary<string, string>(stored.Extensions);
        var spec = stored.Spec;
        var image = stored.Image;
        var snapshotKey = stored.SnapshotKey;

        if (request.UpdateMask is not { Count: > 0 } mask)
        {
            if (request.Runtime?.Name != stored.Runtime.Name)
                throw PlatformException.InvalidArgument(
                    $"container {stored.Id}: runtime.name cannot be changed (stored \"{stored.Runtime.Name}\", requested \"{request.Runtime?.Name}\"); send a field mask to update other fields only");
            if (EmptyToNull(request.Snapshotter) != stored.Snapshotter)
                throw PlatformException.InvalidArgument(
                    $"container {stored.Id}: snapshotter cannot be changed (stored \"{stored.Snapshotter}\", requested \"{request.Snapshotter}\")");
            labels = Labels.WithoutEmpty(request.Labels);
            // Unlike containerd, a full replace really replaces extensions: ones the request lacks are removed.
            extensions = request.Extensions is null ? [] : new Dictionary<string, string>(request.Extensions);
            spec = request.Spec ?? "";
            image = EmptyToNull(request.Image);
            snapshotKey = EmptyToNull(request.SnapshotKey);
        }
        else
        {
            foreach (var path in mask)
            {
                switch (path)
                {
                    case "labels":
                        labels = Labels.WithoutEmpty(request.Labels);
                        break;
                    case var p when p.StartsWith("labels.", StringComparison.Ordinal):
                        var labelKey = p["labels.".Length..];
                        Labels.Set(labels, labelKey, request.Labels?.GetValueOrDefault(labelKey));
                        break;
                    case "spec":
                        spec = request.Spec ?? "";
                        break;
                    case "image":
                        image = EmptyToNull(request.Image);
                        break;
                    case "snapshotkey":
                        snapshotKey = EmptyToNull(request.SnapshotKey);
                        break;
                    case "extensions":
                        extensions = request.Extensions is null ? [] : new Dictionary<string, string>(request.Extensions);
                        break;
                    case var p when p.StartsWith("extensions.", StringComparison.Ordinal):
                        var extensionKey = p["extensions.".Length..];
                        if (request.Extensions?.TryGetValue(extensionKey, out var value) == true)
                            extensions[extensionKey] = value;
                        else
                            extensions.Remove(extensionKey);
                        break;
                    default:
                        throw PlatformException.InvalidArgument(
                            $"container {stored.Id}: cannot update {path}; updatable paths are labels, labels.<key>, spec, image, snapshotkey, extensions, extensions.<key>");
                }
            }
        }

        var updated = stored with
        {
            Labels = labels,
            Extensions = extensions,
            Spec = spec,
            Image = image,
            SnapshotKey = snapshotKey,
            UpdatedAt = now > stored.UpdatedAt ? now : stored.UpdatedAt.AddTicks(1),
            Version = stored.Version + 1,
        };
        Validate(updated);
        return updated;
    }

    public static void CheckExpectedVersion(Container stored, long? expected)
    {
        if (expected is { } v && v != stored.Version)
            throw PlatformException.FailedPrecondition(
                $"container {stored.Namespace}/{stored.Id} is at version {stored.Version}, not the expected {v}; get it again and retry");
    }

    /// <summary>The refusal of a second container with a taken id, by the service's early check or a store's constraint.</summary>
    public static PlatformException AlreadyExists(string ns, string id) =>
        PlatformException.AlreadyExists($"container {id} already exists in namespace {ns}");

    public static PlatformException NotFound(string ns, string id) =>
        PlatformException.NotFound($"container {id} not found in namespace {ns}");

    private static void ValidateJson(string? json, string what, bool required)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            if (required)
                throw PlatformException.InvalidArgument($"{what} must be set (an OCI runtime spec as JSON)");
            return;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            if (required && document.RootElement.ValueKind != JsonValueKind.Object)
                throw PlatformException.InvalidArgument($"{what} must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
        }
        catch (JsonException e)
        {
            throw PlatformException.InvalidArgument($"{what} is not valid JSON: {e.Message}");
        }
    }

    private static string? EmptyToNull(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
