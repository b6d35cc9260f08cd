using Microsoft.Extensions.Hosting;
using Platform.Hosting.Bus;
using Platform.Hosting.Logging;
using Platform.Hosting.Outbox;
using Platform.Metadata;

// The metadata service on its own: containers, over RabbitMQ, on MongoDB or the embedded SQLite file.
var builder = Host.CreateApplicationBuilder(args);
builder.AddPlatformLogging("metadata");
builder.Services.AddMetadataService(builder.Configuration);
builder.Services.AddPlatformBus(builder.Configuration, endpoints => endpoints.AddMetadataConsumers());
builder.Services.AddOutboxRelay(builder.Configuration);
await builder.Build().RunAsync();
