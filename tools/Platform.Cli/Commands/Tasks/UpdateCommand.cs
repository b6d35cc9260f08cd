using System.CommandLine;
using Platform.Client.Oci;
using Platform.Contracts.Tasks;

namespace Platform.Cli.Commands.Tasks;

/// <summary><c>tasks update ID --memory 32m [--memory-swap S] [--cpus N] [--cpu-shares N] [--pids-limit N]</c>, as <c>docker update</c>.</summary>
internal static class UpdateCommand
{
    public static Command Create(CliContext context)
    {
        var id = TasksCommand.IdArgument();
        var memory = new Option<string>("--memory", "-m") { Description = "Memory limit (at least 6m), e.g. 32m", HelpName = "SIZE" };
        var swap = new Option<string>("--memory-swap") { Description = "Memory plus swap limit, or -1 for unlimited swap", HelpName = "SIZE" };
        var cpus = new Option<string>("--cpus") { Description = "Number of CPUs, e.g. 0.5", HelpName = "N" };
        var shares = new Option<string>("--cpu-shares", "-c") { Description = "Relative CPU weight (2 to 262144)", HelpName = "N" };
        var pids = new Option<string>("--pids-limit") { Description = "Maximum number of processes (-1: unlimited)", HelpName = "N" };
        var command = new Command("update", "Change a running task's cgroup limits and print the task") { id, memory, swap, cpus, shares, pids };
        context.SetAction(command, async run =>
        {
            var memoryBytes = run.Get(memory) is { } m ? LimitSyntax.Memory(m) : (long?)null;
            var quota = run.Get(cpus) is { } c ? LimitSyntax.CpuQuota(c) : (long?)null;
            var resources = new TaskResources
            {
                MemoryBytes = memoryBytes,
                // --memory-swap alone is judged against the task's current limit by the runner.
                MemorySwapBytes = run.Get(swap) is { } s ? LimitSyntax.MemorySwap(s, memoryBytes ?? LimitSyntax.MinimumMemory) : null,
                CpuQuota = quota,
                CpuPeriod = quota is null ? null : (long)LimitSyntax.CpuPeriod,
                CpuShares = run.Get(shares) is { } sh ? (long)LimitSyntax.CpuShares(sh) : null,
                PidsLimit = run.Get(pids) is { } p ? LimitSyntax.PidsLimit(p) : null,
            };
            if (resources is { MemoryBytes: null, MemorySwapBytes: null, CpuQuota: null, CpuShares: null, PidsLimit: null })
                return await run.UsageErrorAsync("tasks update needs a limit to change: --memory, --memory-swap, --cpus, --cpu-shares or --pids-limit");
            var client = await run.ClientAsync();
            await TasksCommand.WriteAsync(run, await client.Tasks.UpdateAsync(run.Get(id)!, resources, run.Namespace, run.CancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }
}
