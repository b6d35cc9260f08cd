using Platform.Client;
using Platform.Client.Images;
using Platform.Client.Oci;
using Platform.Common.Errors;
using Platform.Common.Health;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Run;

/// <summary>Makes the container a <see cref="RunRequest"/> describes: from an image, on a fresh snapshot of a committed one, or on a folder.</summary>
internal static class RunContainers
{
    /// <summary>How long the lease that protects the prepared snapshot until the container holds it lasts, should platformctl die.</summary>
    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// With --snapshot: a lease protects the new active snapshot until the container references it, and then goes,
    /// so a failure (or a crash of platformctl) leaves the snapshot to the collector. With --rootfs: the folder itself.
    /// </summary>
    public static async Task CreateAsync(Invocation run, PlatformClient client, RunRequest request)
    {
        var ct = run.CancellationToken;
        if (request.Image is not null)
        {
            await new ImageContainers(client).CreateAsync(new ContainerFromImage
            {
                Namespace = run.Namespace, Id = request.Id, Image = request.Image, Args = request.Args, Entrypoint = request.Entrypoint,
                Env = request.Env, WorkingDir = request.Cwd, User = request.User, Runtime = request.Runtime, Snapshotter = request.Snapshotter,
                Labels = request.Labels, Limits = request.Limits, Mounts = request.Mounts, ReadOnlyRoot = request.ReadOnlyRoot, Health = request.Health,
                Terminal = request.Stdio.Terminal, OpenStdin = request.Stdio.Stdin, Hostname = request.Hostname,
            }, ct);
            return;
        }
        var spec = await new ContainerMounts(client).SpecAsync(DefaultSpec.Build(new DefaultSpecOptions
        {
            Args = request.Args,
            Env = request.Env,
            Cwd = request.Cwd,
            RootPath = request.Rootfs ?? "rootfs",
            Hostname = request.Hostname ?? request.Id,
            Limits = request.Limits,
            Terminal = request.Stdio.Terminal,
            OpenStdin = request.Stdio.Stdin,
        }), request.Mounts, request.ReadOnlyRoot, run.Namespace, ct);
        var container = new CreateContainer
        {
            Namespace = run.Namespace,
            Id = request.Id,
            Runtime = new RuntimeInfo { Name = request.Runtime },
            Labels = HealthOverrides.ApplyTo(request.Health, null, request.Labels),
            Spec = spec,
        };
        if (request.Snapshot is null)
        {
            await client.Containers.CreateAsync(container, ct);
            return;
        }

        var lease = await client.Leases.CreateAsync(new CreateLease
        {
            Namespace = run.Namespace,
            Labels = new Dictionary<string, string> { ["platformctl/run"] = request.Id },
            ExpiresAt = DateTimeOffset.UtcNow + LeaseLifetime,
        }, ct);
        try
        {
            var prepared = await client.Snapshots.PrepareAsync(new PrepareSnapshot
            {
                Namespace = run.Namespace,
                Snapshotter = request.Snapshotter,
                Key = request.Id + "-rootfs",
                Parent = request.Snapshot,
                LeaseId = lease.Id,
            }, ct);
            await client.Containers.CreateAsync(container with
            {
                Image = request.Snapshot,
                Snapshotter = prepared.Snapshot.Snapshotter,
                SnapshotKey = prepared.Snapshot.Key,
            }, ct);
        }
        finally
        {
            try
            {
                await client.Leases.DeleteAsync(lease.Id, run.Namespace, CancellationToken.None);
            }
            catch (PlatformException e) when (e.Kind != ErrorKind.NotFound)
            {
                await run.Err.WriteLineAsync($"warning: lease {lease.Id} was not removed ({e.Kind}: {e.Message}); it expires on its own");
            }
        }
    }
}
