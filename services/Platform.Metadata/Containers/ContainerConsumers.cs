using MassTransit;
using Platform.Contracts.Containers;
using Platform.Hosting.Bus;
using Platform.Hosting.Security;

namespace Platform.Metadata.Containers;

// One consumer per message, each a thin adapter: expected failures become error replies in the pipeline
// (PlatformErrorFilter), unexpected ones are retried and then faulted to the _error queue.

public sealed class CreateContainerConsumer(ContainerService containers) : IConsumer<CreateContainer>
{
    public async Task Consume(ConsumeContext<CreateContainer> context)
    {
        var privileged = context.GetCaller().IsPrivilegedIn(ContainerRules.NamespaceOf(context.Message.Namespace));
        var container = await containers.CreateAsync(context.Message, privileged, context.CancellationToken);
        await context.ReplyAsync(new CreateContainerResult { Container = container });
    }
}

public sealed class GetContainerConsumer(ContainerService containers) : IConsumer<GetContainer>
{
    public async Task Consume(ConsumeContext<GetContainer> context)
    {
        var container = await containers.GetAsync(context.Message, context.CancellationToken);
        await context.ReplyAsync(new GetContainerResult { Container = container });
    }
}

public sealed class ListContainersConsumer(ContainerService containers) : IConsumer<ListContainers>
{
    public async Task Consume(ConsumeContext<ListContainers> context) =>
        await context.ReplyAsync(await containers.ListAsync(context.Message, context.CancellationToken));
}

public sealed class UpdateContainerConsumer(ContainerService containers) : IConsumer<UpdateContainer>
{
    public async Task Consume(ConsumeContext<UpdateContainer> context)
    {
        var privileged = context.GetCaller().IsPrivilegedIn(ContainerRules.NamespaceOf(context.Message.Namespace));
        var container = await containers.UpdateAsync(context.Message, privileged, context.CancellationToken);
        await context.ReplyAsync(new UpdateContainerResult { Container = container });
    }
}

public sealed class DeleteContainerConsumer(ContainerService containers) : IConsumer<DeleteContainer>
{
    public async Task Consume(ConsumeContext<DeleteContainer> context)
    {
        var container = await containers.DeleteAsync(context.Message, context.CancellationToken);
        await context.ReplyAsync(new DeleteContainerResult { Container = container });
    }
}
