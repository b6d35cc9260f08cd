using System.CommandLine;
using Platform.Client.Oci;

namespace Platform.Cli.Commands.Run;

/// <summary>
/// docker's resource flags of <c>run</c> (<c>--memory</c>, <c>--memory-swap</c>, <c>--cpus</c>, <c>--cpu-shares</c>,
/// <c>--pids-limit</c>, <c>--ulimit</c>, <c>--cap-add</c>, <c>--cap-drop</c>), read into <see cref="ResourceLimits"/>.
/// Values are checked by <see cref="LimitSyntax"/>, whose messages name the flag and its rule.
/// </summary>
internal sealed class ResourceFlags
{
    /// <summary>The flags that take a value as the next token (for <see cref="RunArguments"/>).</summary>
    public static readonly IReadOnlySet<string> ValueOptions = new HashSet<string>(StringComparer.Ordinal)
    {
        "--memory", "-m", "--memory-swap", "--cpus", "--cpu-shares", "-c", "--pids-limit", "--ulimit", "--cap-add", "--cap-drop",
    };

    public Option<string> Memory { get; } = new("--memory", "-m") { Description = "Memory limit (at least 6m), e.g. 64m, 1g", HelpName = "SIZE" };

    public Option<string> MemorySwap { get; } = new("--memory-swap")
    {
        Description = "Memory plus swap limit, or -1 for unlimited swap [default: twice --memory]", HelpName = "SIZE",
    };

    public Option<string> Cpus { get; } = new("--cpus") { Description = "Number of CPUs, e.g. 1.5 (quota 150000 per period 100000)", HelpName = "N" };

    public Option<string> CpuShares { get; } = new("--cpu-shares", "-c") { Description = "Relative CPU weight (2 to 262144; default 1024)", HelpName = "N" };

    public Option<string> PidsLimit { get; } = new("--pids-limit") { Description = "Maximum number of processes (-1: unlimited)", HelpName = "N" };

    public Option<string[]> Ulimits { get; } = new("--ulimit") { Description = "Process rlimit, e.g. nofile=1024:2048; repeatable", HelpName = "NAME=SOFT[:HARD]" };

    public Option<string[]> CapAdd { get; } = new("--cap-add")
    {
        Description = "Add a capability (beyond the default set needs a privileged grant); repeatable", HelpName = "CAP",
    };

    public Option<string[]> CapDrop { get; } = new("--cap-drop") { Description = "Drop a capability, or ALL; repeatable", HelpName = "CAP" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Memory, MemorySwap, Cpus, CpuShares, PidsLimit, Ulimits, CapAdd, CapDrop })
            command.Options.Add(option);
    }

    /// <summary>The limits the flags give; InvalidArgument naming the flag when a value breaks its rule.</summary>
    public ResourceLimits Read(Invocation run)
    {
        var memory = run.Get(Memory) is { } m ? LimitSyntax.Memory(m) : (long?)null;
        var quota = run.Get(Cpus) is { } cpus ? LimitSyntax.CpuQuota(cpus) : (long?)null;
        return new ResourceLimits
        {
            MemoryBytes = memory,
            MemorySwapBytes = run.Get(MemorySwap) is { } swap ? LimitSyntax.MemorySwap(swap, memory) : null,
            CpuQuota = quota,
            CpuPeriod = quota is null ? null : LimitSyntax.CpuPeriod,
            CpuShares = run.Get(CpuShares) is { } shares ? LimitSyntax.CpuShares(shares) : null,
            PidsLimit = run.Get(PidsLimit) is { } pids ? LimitSyntax.PidsLimit(pids) : null,
            Ulimits = [.. (run.Get(Ulimits) ?? []).Select(u => LimitSyntax.Ulimit(u))],
            CapAdd = [.. (run.Get(CapAdd) ?? []).Select(c => LimitSyntax.Capability(c, "--cap-add"))],
            CapDrop = [.. (run.Get(CapDrop) ?? []).Select(c => LimitSyntax.Capability(c, "--cap-drop"))],
        };
    }
}
