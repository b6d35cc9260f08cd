using Microsoft.Extensions.Hosting;
using Platform.Hosting.Bus;
using Platform.Hosting.Logging;
using Platform.Hosting.Outbox;
using Platform.Metadata;
using Platform.ResourceGc;
using Platform.TaskRunner;

// platformd: every Platform service in one process for a single machine, like one containerd daemon.
// Same consumers and stores as the separate hosts; only the composition differs.
var builder = Host.CreateApplicationBuilder(args);
builder.AddPlatformLogging("platformd");
builder.Services.AddMetadataService(builder.Configuration);
builder.Services.AddResourceGcService(builder.Configuration);
builder.Services.AddTaskRunnerService(builder.Configuration);
builder.Services.AddPlatformBus(builder.Configuration, endpoints => endpoints.AddMetadataConsumers().AddResourceGcConsumers().AddTaskRunnerConsumers());
builder.Services.AddOutboxRelay(builder.Configuration);
await builder.Build().RunAsync();
