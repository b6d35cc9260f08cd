using MassTransit;
using Platform.Contracts.Tasks;
using Platform.Hosting.Bus;

namespace Platform.TaskRunner.Terminals;

// Thin adapters over TaskTerminals, as in Tasks/TaskConsumers.cs.

public sealed class AttachTaskConsumer(TaskTerminals terminals) : IConsumer<AttachTask>
{
    public async Task Consume(ConsumeContext<AttachTask> context) =>
        await context.ReplyAsync(await terminals.AttachAsync(context.Message, context.CancellationToken));
}

public sealed class WriteTaskStdinConsumer(TaskTerminals terminals) : IConsumer<WriteTaskStdin>
{
    public async Task Consume(ConsumeContext<WriteTaskStdin> context) =>
        await context.ReplyAsync(await terminals.WriteAsync(context.Message, context.CancellationToken));
}

public sealed class CloseTaskStdinConsumer(TaskTerminals terminals) : IConsumer<CloseTaskStdin>
{
    public async Task Consume(ConsumeContext<CloseTaskStdin> context) =>
        await context.ReplyAsync(await terminals.CloseAsync(context.Message, context.CancellationToken));
}

public sealed class ResizeTaskConsumer(TaskTerminals terminals) : IConsumer<ResizeTask>
{
    public async Task Consume(ConsumeContext<ResizeTask> context) =>
        await context.ReplyAsync(await terminals.ResizeAsync(context.Message, context.CancellationToken));
}
