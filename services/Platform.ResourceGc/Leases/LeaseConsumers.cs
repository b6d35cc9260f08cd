using MassTransit;
using Platform.Contracts.Resources;
using Platform.Hosting.Bus;

namespace Platform.ResourceGc.Leases;

public sealed class CreateLeaseConsumer(LeaseService leases) : IConsumer<CreateLease>
{
    public async Task Consume(ConsumeContext<CreateLease> context) =>
        await context.ReplyAsync(new LeaseResult { Lease = await leases.CreateAsync(context.Message, context.CancellationToken) });
}

public sealed class DeleteLeaseConsumer(LeaseService leases) : IConsumer<DeleteLease>
{
    public async Task Consume(ConsumeContext<DeleteLease> context) =>
        await context.ReplyAsync(new LeaseResult { Lease = await leases.DeleteAsync(context.Message, context.CancellationToken) });
}

public sealed class ListLeasesConsumer(LeaseService leases) : IConsumer<ListLeases>
{
    public async Task Consume(ConsumeContext<ListLeases> context) =>
        await context.ReplyAsync(await leases.ListAsync(context.Message, context.CancellationToken));
}

public sealed class AddLeaseResourceConsumer(LeaseService leases) : IConsumer<AddLeaseResource>
{
    public async Task Consume(ConsumeContext<AddLeaseResource> context)
    {
        var m = context.Message;
        await context.ReplyAsync(new LeaseResourcesResult { Resources = await leases.ChangeResourceAsync(m.Namespace, m.LeaseId, m.Resource, add: true, context.CancellationToken) });
    }
}

public sealed class RemoveLeaseResourceConsumer(LeaseService leases) : IConsumer<RemoveLeaseResource>
{
    public async Task Consume(ConsumeContext<RemoveLeaseResource> context)
    {
        var m = context.Message;
        await context.ReplyAsync(new LeaseResourcesResult { Resources = await leases.ChangeResourceAsync(m.Namespace, m.LeaseId, m.Resource, add: false, context.CancellationToken) });
    }
}

public sealed class ListLeaseResourcesConsumer(LeaseService leases) : IConsumer<ListLeaseResources>
{
    public async Task Consume(ConsumeContext<ListLeaseResources> context) =>
        await context.ReplyAsync(new LeaseResourcesResult { Resources = await leases.ListResourcesAsync(context.Message, context.CancellationToken) });
}
