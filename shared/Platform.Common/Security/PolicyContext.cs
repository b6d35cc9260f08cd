namespace Platform.Common.Security;

/// <summary>What the runtime policy needs to know besides the spec: whose namespace, which rootfs, which host folders.</summary>
public sealed record PolicyContext
{
    /// <summary>Required. The container's namespace: names the grant that would lift a rule, and bounds <c>linux.cgroupsPath</c>.</summary>
    public required string Namespace { get; init; }

    /// <summary>
    /// Whether the container has a snapshot. With one, <c>root.path</c> must be the snapshot's
    /// (<see cref="RuntimeDefaults.SnapshotRootPath"/> or absent); without one, the root would be a host folder.
    /// </summary>
    public bool HasSnapshot { get; init; }

    /// <summary>Host folders bind mounts may come from (a source equal to one, or below one). Default none.</summary>
    public IReadOnlyList<string> AllowedBindSources { get; init; } = [];

    /// <summary>
    /// Optional. The folder named volumes live under (<c>{DataRoot}/volumes</c>): a bind source below
    /// <c>{VolumesRoot}/{Namespace}/</c> is one of this namespace's volumes and allowed; another namespace's is not.
    /// </summary>
    public string? VolumesRoot { get; init; }

    /// <summary>
    /// Optional. Resolves a bind source to the folder it really is on this host (symlinks followed), so a link under
    /// an allowed folder cannot reach outside it. Null where the host's disk can't be seen (the metadata service):
    /// then the source is judged as written.
    /// </summary>
    public Func<string, string>? ResolveHostPath { get; init; }

    /// <summary>
    /// Optional. The hard limit a process started on this host without an rlimit gets for a resource
    /// (<c>RLIMIT_NOFILE</c>…), null when unknown: an unprivileged process may lower its limits but not raise one above
    /// it (the runtime runs as root, so it could). Null where the host can't be seen (the metadata service): rlimits are
    /// then judged for their form only, and the task runner judges the rest.
    /// </summary>
    public Func<string, ulong?>? HostHardLimit { get; init; }
}
