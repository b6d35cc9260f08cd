using Microsoft.Extensions.Hosting;
using Platform.Hosting.Bus;
using Platform.Hosting.Logging;
using Platform.Hosting.Outbox;
using Platform.ResourceGc;

// The resource GC service on its own: snapshots, leases, references and the collector.
var builder = Host.CreateApplicationBuilder(args);
builder.AddPlatformLogging("resource-gc");
builder.Services.AddResourceGcService(builder.Configuration);
builder.Services.AddPlatformBus(builder.Configuration, endpoints => endpoints.AddResourceGcConsumers());
builder.Services.AddOutboxRelay(builder.Configuration);
await builder.Build().RunAsync();
