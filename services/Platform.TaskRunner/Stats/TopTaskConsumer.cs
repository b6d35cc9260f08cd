using MassTransit;
using Platform.Contracts.Tasks;
using Platform.Hosting.Bus;

namespace Platform.TaskRunner.Stats;

public sealed class TopTaskConsumer(TaskStatsQueries stats) : IConsumer<TopTask>
{
    public async Task Consume(ConsumeContext<TopTask> context) =>
        await context.ReplyAsync(new TopTaskResult { Processes = await stats.TopAsync(context.Message, context.CancellationToken) });
}
