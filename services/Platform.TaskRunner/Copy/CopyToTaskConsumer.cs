using MassTransit;
using Platform.Contracts.Tasks;
using Platform.Hosting.Bus;
using Platform.Hosting.Security;

namespace Platform.TaskRunner.Copy;

public sealed class CopyToTaskConsumer(TaskCopies copies) : IConsumer<CopyToTask>
{
    public async Task Consume(ConsumeContext<CopyToTask> context) =>
        await context.ReplyAsync(await copies.CopyToAsync(context.Message, context.GetCaller(), context.CancellationToken));
}
