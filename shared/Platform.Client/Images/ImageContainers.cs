using Platform.Client.Oci;
using Platform.Common.Errors;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;

namespace Platform.Client.Images;

/// <summary>A container to make from an image: docker's <c>create</c>/<c>run</c> options.</summary>
public sealed record ContainerFromImage
{
    /// <summary>Required. The container's id.</summary>
    public required string Id { get; init; }

    /// <summary>Required. The image, in any form docker accepts (<c>busybox</c>, <c>busybox:1.36</c>, <c>name@sha256:…</c>).</summary>
    public required string Image { get; init; }

    /// <summary>Optional. Replace the image's Cmd (when non-empty).</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>Optional. Replace the image's Entrypoint (and clear its Cmd).</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>Optional. <c>KEY=VALUE</c> entries over the image's Env.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Optional. Replace the image's WorkingDir.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Optional. Replace the image's User.</summary>
    public string? User { get; init; }

    /// <summary>Optional. Resource limits, rlimits and capability changes; none when null.</summary>
    public ResourceLimits? Limits { get; init; }

    /// <summary>Optional. The runtime name; <c>runc</c> when null.</summary>
    public string? Runtime { get; init; }

    /// <summary>Optional. The snapshotter (the service's default when null).</summary>
    public string? Snapshotter { get; init; }

    /// <summary>Optional. Container labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Optional. The namespace; the client's when null.</summary>
    public string? Namespace { get; init; }

    /// <summary>Optional. Bind, volume and tmpfs mounts (<c>-v</c>, <c>--mount</c>, <c>--tmpfs</c>), after the default ones.</summary>
    public IReadOnlyList<MountRequest> Mounts { get; init; } = [];

    /// <summary>Optional. Mount the root filesystem read-only (<c>--read-only</c>).</summary>
    public bool ReadOnlyRoot { get; init; }

    /// <summary>Optional. Health check flags over the image's Healthcheck (label <c>platform.io/health.check</c>).</summary>
    public Platform.Common.Health.HealthOverrides? Health { get; init; }

    /// <summary>Optional. Run the process on a terminal (<c>-t</c>).</summary>
    public bool Terminal { get; init; }

    /// <summary>Optional. Keep the process's stdin open (<c>-i</c>).</summary>
    public bool OpenStdin { get; init; }

    /// <summary>Optional. The container's hostname (<c>--hostname</c>); default its id.</summary>
    public string? Hostname { get; init; }
}

/// <summary>
/// Makes containers from images, as <c>docker create</c> does: the image is resolved (NotFound naming it), unpacked
/// when its chain is missing (the resource GC reuses an existing chain), an active snapshot <c>ID-rootfs</c> prepared on
/// the chain, and the spec built from the image config with the caller's overrides. A lease holds the snapshot until the
/// container references it, so an image removed meanwhile takes nothing the container needs.
/// </summary>
public sealed class ImageContainers(PlatformClient client)
{
    public const string DefaultRuntime = "runc";

    /// <summary>The container label that keeps the image's StopSignal, for stop and Ctrl-C.</summary>
    public const string StopSignalLabel = "platform.io/stop-signal";

    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromHours(1);

    public async Task<Container> CreateAsync(ContainerFromImage request, CancellationToken ct = default)
    {
        var ns = client.Namespace(request.Namespace);
        var image = await client.Images.GetAsync(request.Image, ns, ct);
        var lease = await client.Leases.CreateAsync(new CreateLease
        {
            Namespace = ns, Labels = new Dictionary<string, string> { ["platform.io/create"] = request.Id }, ExpiresAt = DateTimeOffset.UtcNow + LeaseLifetime,
        }, ct);
        try
        {
            var unpacked = await client.Images.UnpackAsync(image.Target.Digest, null, request.Snapshotter, lease.Id, ns, ct);
            var config = await ReadConfigAsync(unpacked.Config, ns, ct);
            var process = ImageProcess.Resolve(config, new ProcessOverrides
            {
                Args = request.Args, Entrypoint = request.Entrypoint, Env = request.Env, WorkingDir = request.WorkingDir, User = request.User,
            });
            var spec = await new ContainerMounts(client).SpecAsync(DefaultSpec.Build(new DefaultSpecOptions
            {
                Args = process.Args, Env = process.Env, Cwd = process.Cwd, User = process.User, Hostname = request.Hostname ?? request.Id, Limits = request.Limits,
                Terminal = request.Terminal, OpenStdin = request.OpenStdin,
            }), request.Mounts, request.ReadOnlyRoot, ns, ct);
            if (string.IsNullOrEmpty(unpacked.ChainId))
                throw PlatformException.InvalidArgument($"image {image.Name} has no layers to run from");
            var prepared = await client.Snapshots.PrepareAsync(new PrepareSnapshot
            {
                Namespace = ns, Snapshotter = unpacked.Snapshotter, Key = request.Id + "-rootfs", Parent = unpacked.ChainId, LeaseId = lease.Id,
            }, ct);
            var labels = new Dictionary<string, string>(Platform.Common.Health.HealthOverrides.ApplyTo(request.Health, config.Config?.Healthcheck?.ToConfig(), request.Labels));
            if (process.StopSignal != ImageProcess.DefaultStopSignal)
                labels.TryAdd(StopSignalLabel, process.StopSignal);
            return await client.Containers.CreateAsync(new CreateContainer
            {
                Namespace = ns, Id = request.Id, Image = image.Name, Runtime = new RuntimeInfo { Name = request.Runtime ?? DefaultRuntime },
                Labels = labels, Spec = spec, Snapshotter = prepared.Snapshot.Snapshotter, SnapshotKey = prepared.Snapshot.Key,
            }, ct);
        }
        finally
        {
            await ContentWrites.DropLeaseAsync(client, lease.Id, ns);
        }
    }

    private async Task<ImageConfig> ReadConfigAsync(string digest, string ns, CancellationToken ct) =>
        OciJson.ParseConfig(await client.Content.ReadDocumentAsync(digest, ns, ct), $"config {digest}");
}
