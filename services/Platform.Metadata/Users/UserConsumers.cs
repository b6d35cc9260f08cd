using MassTransit;
using Platform.Contracts.Users;
using Platform.Hosting.Bus;

namespace Platform.Metadata.Users;

// Administrators only: the authorisation filter refuses everyone else before these run.

public sealed class CreateUserConsumer(UserService users) : IConsumer<CreateUser>
{
    public async Task Consume(ConsumeContext<CreateUser> context) =>
        await context.ReplyAsync(new UserResult { User = await users.CreateAsync(context.Message, context.CancellationToken) });
}

public sealed class GetUserConsumer(UserService users) : IConsumer<GetUser>
{
    public async Task Consume(ConsumeContext<GetUser> context) =>
        await context.ReplyAsync(new UserResult { User = await users.GetAsync(context.Message.Name, context.CancellationToken) });
}

public sealed class ListUsersConsumer(UserService users) : IConsumer<ListUsers>
{
    public async Task Consume(ConsumeContext<ListUsers> context) =>
        await context.ReplyAsync(new ListUsersResult { Users = await users.ListAsync(context.CancellationToken) });
}

public sealed class DeleteUserConsumer(UserService users) : IConsumer<DeleteUser>
{
    public async Task Consume(ConsumeContext<DeleteUser> context) =>
        await context.ReplyAsync(new UserResult { User = await users.DeleteAsync(context.Message.Name, context.CancellationToken) });
}

public sealed class GrantNamespaceConsumer(UserService users) : IConsumer<GrantNamespace>
{
    public async Task Consume(ConsumeContext<GrantNamespace> context) =>
        await context.ReplyAsync(new UserResult { User = await users.GrantAsync(context.Message, context.CancellationToken) });
}

public sealed class RevokeNamespaceConsumer(UserService users) : IConsumer<RevokeNamespace>
{
    public async Task Consume(ConsumeContext<RevokeNamespace> context) =>
        await context.ReplyAsync(new UserResult { User = await users.RevokeAsync(context.Message, context.CancellationToken) });
}
