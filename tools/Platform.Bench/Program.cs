using Platform.Bench;

// Prints one line per figure, `name: value unit`. Not a test: figures vary with the machine.
return await MetadataBenchmark.RunAsync(args);
