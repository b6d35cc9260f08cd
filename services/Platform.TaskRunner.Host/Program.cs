using Microsoft.Extensions.Hosting;
using Platform.Hosting.Bus;
using Platform.Hosting.Logging;
using Platform.Hosting.Outbox;
using Platform.TaskRunner;

// The task runner on its own: tasks of this node, run with runc under conmon, on MongoDB or the embedded SQLite file.
// Stopping it leaves tasks running; the next start adopts them and reports exits that happened meanwhile.
var builder = Host.CreateApplicationBuilder(args);
builder.AddPlatformLogging("task-runner");
builder.Services.AddTaskRunnerService(builder.Configuration);
builder.Services.AddPlatformBus(builder.Configuration, endpoints => endpoints.AddTaskRunnerConsumers());
builder.Services.AddOutboxRelay(builder.Configuration);
await builder.Build().RunAsync();
