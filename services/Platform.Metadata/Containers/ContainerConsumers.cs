using MassTransit;
using Platform.Contracts.Containers;
using Platform.Contracts.Tasks;
using Platform.Hosting.Bus;
using Platform.Hosting.Commands;
using Platform.Hosting.Security;

namespace Platform.Metadata.Containers;

// One consumer per message, each a thin adapter: expected failures become error replies in the pipeline
// (PlatformErrorFilter), unexpected ones are retried and then faulted to the _error queue. Writes carry their command's
// key, so a redelivered or retried write answers what its first delivery did.

public sealed class CreateContainerConsumer(ContainerService containers) : IConsumer<CreateContainer>
{
    public async Task Consume(ConsumeContext<CreateContainer> context)
    {
        var privileged = context.GetCaller().IsPrivilegedIn(ContainerRules.NamespaceOf(context.Message.Namespace));
        var container = await containers.CreateAsync(context.Message, privileged,
            context.CancellationToken, CommandKey.Of(context, context.Message.Namespace, context.Message.Id));
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
        var container = await containers.UpdateAsync(context.Message, privileged,
            context.CancellationToken, CommandKey.Of(context, context.Message.Namespace, context.Message.Id));
        await context.ReplyAsync(new UpdateContainerResult { Container = container });
    }
}

public sealed class DeleteContainerConsumer(ContainerService containers) : IConsumer<DeleteContainer>
{
    public async Task Consume(ConsumeContext<DeleteContainer> context)
    {
        var container = await containers.DeleteAsync(context.Message,
            context.CancellationToken, CommandKey.Of(context, context.Message.Namespace, context.Message.Id));
        await context.ReplyAsync(new DeleteContainerResult { Container = container });
    }
}

/// <summary>Internal: the task runner records its task's hold on the container and gets the container in one step.</summary>
public sealed class HoldContainerConsumer(ContainerService containers) : IConsumer<HoldContainer>
{
    public async Task Consume(ConsumeContext<HoldContainer> context) =>
        await context.ReplyAsync(new HoldContainerResult { Container = await containers.HoldAsync(context.Message, context.CancellationToken) });
}

/// <summary>
/// A deleted task releases its hold on its container, then removes a container run with <c>--rm</c> (<see cref="AutoRemoval"/>).
/// Idempotent: a redelivered event finds the hold, and the container, gone.
/// </summary>
public sealed class TaskDeletedConsumer(ContainerService containers, AutoRemoval autoRemoval) : IConsumer<TaskDeleted>
{
    public async Task Consume(ConsumeContext<TaskDeleted> context)
    {
        var e = context.Message;
        // Events of runners that predate holds name no task; the hold they leave is verified at the container's deletion.
        if (e.CreatedAt is { } createdAt)
        {
            await containers.ReleaseHoldAsync(e.Namespace, e.ContainerId, createdAt.UtcTicks, context.CancellationToken);
            await autoRemoval.AfterTaskDeletedAsync(e.Namespace, e.ContainerId, createdAt, context.CancellationToken);
        }
    }
}
