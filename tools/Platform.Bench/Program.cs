using Platform.Bench;

// Prints one line per figure, `name: value unit`. Not a test: figures vary with the machine.
// `--only metadata|authz|gc|tasks|images` runs one benchmark; without it, all five in that order.
// `--vs containerd` runs Platform beside containerd instead (`--only metadata|tasks|cli` runs one part of that).
var only = MetadataBenchmark.StringArg(args, "--only", "all");
var vs = MetadataBenchmark.StringArg(args, "--vs", "");
if (vs.Length > 0)
{
    if (vs != "containerd" || !OperatingSystem.IsLinux())
    {
        Console.Error.WriteLine($"--vs takes containerd (on Linux), not {vs}");
        return 2;
    }
    if (only != "all" && !SideBySideBenchmark.Parts.Contains(only))
    {
        Console.Error.WriteLine($"with --vs containerd, --only takes {string.Join(", ", SideBySideBenchmark.Parts)}, not {only}");
        return 2;
    }
    return await SideBySideBenchmark.RunAsync(args, only);
}
if (only is not ("all" or "metadata" or "authz" or "gc" or "tasks" or "images"))
{
    Console.Error.WriteLine($"--only takes metadata, authz, gc, tasks or images, not {only}");
    return 2;
}
if (only is "all" or "metadata" && await MetadataBenchmark.RunAsync(args) is var code and not 0)
    return code;
if (only is "all" or "authz" && await AuthorizationBenchmark.RunAsync(args) is var authzCode and not 0)
    return authzCode;
if (only is "all" or "gc" && await GcBenchmark.RunAsync(args) is var gcCode and not 0)
    return gcCode;
if (only is "all" or "tasks" && OperatingSystem.IsLinux() && await TaskBenchmark.RunAsync(args) is var taskCode and not 0)
    return taskCode;
if (only is "all" or "images" && OperatingSystem.IsLinux())
    return await ImagesBenchmark.RunAsync(args);
return 0;
