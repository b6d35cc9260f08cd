using MassTransit;
using Platform.Contracts.Events;
using Platform.Hosting.Bus;
using Platform.Hosting.Security;

namespace Platform.Hosting.History;

/// <summary>Answers <see cref="ReadEventHistory"/> from one service's store (see <see cref="EventHistorySource{TStore}"/>).</summary>
public sealed class ReadEventHistoryConsumer<TStore>(EventHistorySource<TStore> source, EventHistoryReader reader) : IConsumer<ReadEventHistory>
    where TStore : class
{
    public async Task Consume(ConsumeContext<ReadEventHistory> context) =>
        await context.ReplyAsync(await reader.ReadAsync(source.Store, context.Message, context.GetCaller(), context.CancellationToken));
}
