namespace Platform.Common.Security;

/// <summary>
/// What an unprivileged container gets, as docker gives it: the capability set, the devices, the namespaced sysctls,
/// the kernel files kept masked or read-only, and the pseudo file systems it may mount. The runtime policy allows a
/// spec to ask for these or less; anything more needs a privileged grant.
/// </summary>
public static class RuntimeDefaults
{
    /// <summary>docker's (and containerd's) default capabilities: what a root process in a container keeps.</summary>
    public static readonly IReadOnlyList<string> Capabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary>The namespaces a container must have of its own (never the host's, never another container's).</summary>
    public static readonly IReadOnlyList<string> OwnNamespaces = ["pid", "mount", "ipc", "uts", "network"];

    /// <summary>Paths that stay masked (runc spec's list, which the default spec uses).</summary>
    public static readonly IReadOnlyList<string> MaskedPaths =
    [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
    ];

    /// <summary>Paths that stay read-only (or masked, which hides them altogether).</summary>
    public static readonly IReadOnlyList<string> ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>
    /// Character devices (major, minor; -1 for any minor) a container may have and use: null, zero, full, random,
    /// urandom, tty, console, ptmx and the pseudo-terminals. runc creates the first ones in every container itself.
    /// </summary>
    public static readonly IReadOnlyList<(int Major, int Minor, string Name)> Devices =
    [
        (1, 3, "null"), (1, 5, "zero"), (1, 7, "full"), (1, 8, "random"), (1, 9, "urandom"),
        (5, 0, "tty"), (5, 1, "console"), (5, 2, "ptmx"), (136, -1, "pts/*"),
    ];

    /// <summary>Sysctls that belong to the container's own IPC namespace (docker's list).</summary>
    public static readonly IReadOnlyList<string> IpcSysctls =
    [
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
        "kernel.shm_rmid_forced",
    ];

    /// <summary>Prefixes of namespaced sysctls: the IPC namespace's message queues, and the network namespace's <c>net.*</c>.</summary>
    public const string MqueueSysctlPrefix = "fs.mqueue.";

    public const string NetSysctlPrefix = "net.";

    /// <summary>
    /// File systems a spec may mount besides bind mounts: kernel pseudo file systems whose source is only a label. Any
    /// other type (ext4, overlay, ...) would mount something of the host's by name.
    /// </summary>
    public static readonly IReadOnlyList<string> MountTypes = ["proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2"];

    /// <summary>Options every bind mount must carry, so nothing from the host runs set-uid or opens a device through it.</summary>
    public static readonly IReadOnlyList<string> BindOptions = ["nosuid", "nodev"];

    /// <summary><c>root.path</c> of a container on a snapshot: the task runner mounts the snapshot there, in the bundle.</summary>
    public const string SnapshotRootPath = "rootfs";

    /// <summary>The cgroup parent of a namespace's containers; a spec's <c>linux.cgroupsPath</c> stays below it.</summary>
    public static string CgroupParent(string @namespace) => $"/platform/{@namespace}/";
}
