using System.CommandLine;
using Platform.Client.Oci;

namespace Platform.Cli.Commands.Run;

/// <summary>
/// docker's mount flags of <c>run</c>: <c>-v/--volume</c>, <c>--mount</c>, <c>--tmpfs</c> and <c>--read-only</c>. They are
/// read here into <see cref="MountRequest"/>s; <see cref="SpecMounts"/> writes them into the spec.
/// </summary>
internal sealed class MountFlags
{
    private readonly Option<string[]> _volumes = new("--volume", "-v")
    {
        Description = "Bind a host folder (absolute HOST) or mount a named volume (NAME, created when missing) at CTR; repeatable",
        HelpName = "HOST|NAME:CTR[:ro]",
    };

    private readonly Option<string[]> _mounts = new("--mount")
    {
        Description = "Mount in docker's long form: type=bind|volume|tmpfs,source=…,target=…[,readonly][,tmpfs-size=64m][,tmpfs-mode=1777]; repeatable",
        HelpName = "SPEC",
    };

    private readonly Option<string[]> _tmpfs = new("--tmpfs")
    {
        Description = "Mount a tmpfs at CTR (nosuid,nodev,noexec unless told otherwise); repeatable",
        HelpName = "CTR[:size=64m,mode=1777,exec]",
    };

    private readonly Option<bool> _readOnly = new("--read-only") { Description = "Mount the container's root filesystem read-only" };

    public IEnumerable<Option> Options => [_volumes, _mounts, _tmpfs, _readOnly];

    /// <summary>The mounts in the order given (each flag's own order; -v, then --mount, then --tmpfs).</summary>
    public IReadOnlyList<MountRequest> Mounts(Invocation run) =>
    [
        .. (run.Get(_volumes) ?? []).Select(v => SpecMounts.ParseVolumeFlag(v)),
        .. (run.Get(_mounts) ?? []).Select(m => SpecMounts.ParseMountFlag(m)),
        .. (run.Get(_tmpfs) ?? []).Select(t => SpecMounts.ParseTmpfsFlag(t)),
    ];

    public bool ReadOnlyRoot(Invocation run) => run.Get(_readOnly);
}
