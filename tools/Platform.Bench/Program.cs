using Platform.Bench;

// Prints one line per figure, `name: value unit`. Not a test: figures vary with the machine.
// `--only metadata|gc|tasks` runs one benchmark; without it, all three in that order.
var only = MetadataBenchmark.StringArg(args, "--only", "all");
if (only is not ("all" or "metadata" or "gc" or "tasks"))
{
    Console.Error.WriteLine($"--only takes metadata, gc or tasks, not {only}");
    return 2;
}
if (only is "all" or "metadata" && await MetadataBenchmark.RunAsync(args) is var code and not 0)
    return code;
if (only is "all" or "gc" && await GcBenchmark.RunAsync(args) is var gcCode and not 0)
    return gcCode;
if (only is "all" or "tasks" && OperatingSystem.IsLinux())
    return await TaskBenchmark.RunAsync(args);
return 0;
