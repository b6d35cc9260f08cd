using MassTransit;
using Platform.Contracts.Tasks;
using Platform.Hosting.Bus;
using Platform.Hosting.Security;

namespace Platform.TaskRunner.Copy;

public sealed class CopyFromTaskConsumer(TaskCopies copies) : IConsumer<CopyFromTask>
{
    public async Task Consume(ConsumeContext<CopyFromTask> context) =>
        await context.ReplyAsync(await copies.CopyFromAsync(context.Message, context.GetCaller(), context.CancellationToken));
}
