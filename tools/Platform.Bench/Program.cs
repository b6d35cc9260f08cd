using Platform.Bench;

// Prints one line per figure, `name: value unit`. Not a test: figures vary with the machine.
// `--only metadata` or `--only gc` runs one benchmark; without it, both, metadata first.
var only = MetadataBenchmark.StringArg(args, "--only", "all");
if (only is not ("all" or "metadata" or "gc"))
{
    Console.Error.WriteLine($"--only takes metadata or gc, not {only}");
    return 2;
}
if (only is "all" or "metadata" && await MetadataBenchmark.RunAsync(args) is var code and not 0)
    return code;
return only is "all" or "gc" ? await GcBenchmark.RunAsync(args) : 0;
