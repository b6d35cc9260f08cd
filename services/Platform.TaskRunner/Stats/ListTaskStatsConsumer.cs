using MassTransit;
using Platform.Contracts.Tasks;
using Platform.Hosting.Bus;

namespace Platform.TaskRunner.Stats;

public sealed class ListTaskStatsConsumer(TaskStatsQueries stats) : IConsumer<ListTaskStats>
{
    public async Task Consume(ConsumeContext<ListTaskStats> context) =>
        await context.ReplyAsync(new ListTaskStatsResult { Stats = await stats.ListAsync(context.Message, context.CancellationToken) });
}
