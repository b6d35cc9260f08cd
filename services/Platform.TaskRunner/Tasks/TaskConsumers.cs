using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Tasks;
using Platform.Hosting.Bus;
using Platform.Hosting.Commands;
using Platform.Hosting.Security;
using Platform.TaskRunner.Store;

namespace Platform.TaskRunner.Tasks;

// One consumer per message, each a thin adapter over the use case's class: expected failures become error replies in the
// pipeline (PlatformErrorFilter), unexpected ones are retried and then faulted to the _error queue. Create, start, kill
// and delete carry their command's key: a redelivered or retried one answers what its first delivery did.

public sealed class CreateTaskConsumer(TaskCreation tasks, [FromKeyedServices(TaskDatabase.Name)] CommandOnce once) : IConsumer<CreateTask>
{
    public async Task Consume(ConsumeContext<CreateTask> context)
    {
        var privileged = context.GetCaller().IsPrivilegedIn(TaskRules.NamespaceOf(context.Message.Namespace));
        var task = await once.RunAsync<TaskInfo>(CommandKey.Of(context, context.Message.Namespace, context.Message.ContainerId),
            outcome => tasks.CreateAsync(context.Message, privileged, context.CancellationToken, outcome: outcome), context.CancellationToken);
        await context.ReplyAsync(new TaskResult { Task = task });
    }
}

/// <summary>Internal: the metadata service, deleting a container that a task holds, asks whether the task lives.</summary>
public sealed class CheckTaskHoldConsumer(TaskLifecycle tasks) : IConsumer<CheckTaskHold>
{
    public async Task Consume(ConsumeContext<CheckTaskHold> context) =>
        await context.ReplyAsync(new CheckTaskHoldResult { Task = await tasks.CheckHoldAsync(context.Message, context.CancellationToken) });
}

public sealed class StartTaskConsumer(TaskLifecycle tasks, [FromKeyedServices(TaskDatabase.Name)] CommandOnce once) : IConsumer<StartTask>
{
    public async Task Consume(ConsumeContext<StartTask> context)
    {
        var task = await once.RunAsync<TaskInfo>(CommandKey.Of(context, context.Message.Namespace, context.Message.ContainerId),
            outcome => tasks.StartAsync(context.Message, context.CancellationToken, outcome: outcome), context.CancellationToken);
        await context.ReplyAsync(new TaskResult { Task = task });
    }
}

/// <summary>A signal changes no record: its outcome is kept once it was sent, so a redelivery does not signal twice.</summary>
public sealed class KillTaskConsumer(TaskLifecycle tasks, [FromKeyedServices(TaskDatabase.Name)] CommandOnce once) : IConsumer<KillTask>
{
    public async Task Consume(ConsumeContext<KillTask> context)
    {
        var task = await once.RunThenRecordAsync(CommandKey.Of(context, context.Message.Namespace, context.Message.ContainerId),
            () => tasks.KillAsync(context.Message, context.CancellationToken), context.CancellationToken);
        await context.ReplyAsync(new TaskResult { Task = task });
    }
}

/// <summary>The exit path deletes the task; the reply (with the exit) is kept once it is known, for a redelivery to get.</summary>
public sealed class DeleteTaskConsumer(TaskLifecycle tasks, [FromKeyedServices(TaskDatabase.Name)] CommandOnce once) : IConsumer<DeleteTask>
{
    public async Task Consume(ConsumeContext<DeleteTask> context) =>
        await context.ReplyAsync(await once.RunThenRecordAsync(CommandKey.Of(context, context.Message.Namespace, context.Message.ContainerId),
            () => tasks.DeleteAsync(context.Message, context.CancellationToken), context.CancellationToken));
}

public sealed class ExecProcessConsumer(TaskExecs tasks) : IConsumer<ExecProcess>
{
    public async Task Consume(ConsumeContext<ExecProcess> context)
    {
        var privileged = context.GetCaller().IsPrivilegedIn(TaskRules.NamespaceOf(context.Message.Namespace));
        await context.ReplyAsync(await tasks.ExecAsync(context.Message, privileged, context.CancellationToken));
    }
}

public sealed class PauseTaskConsumer(TaskLifecycle tasks) : IConsumer<PauseTask>
{
    public async Task Consume(ConsumeContext<PauseTask> context) =>
        await context.ReplyAsync(new TaskResult { Task = await tasks.PauseAsync(context.Message, context.CancellationToken) });
}

public sealed class ResumeTaskConsumer(TaskLifecycle tasks) : IConsumer<ResumeTask>
{
    public async Task Consume(ConsumeContext<ResumeTask> context) =>
        await context.ReplyAsync(new TaskResult { Task = await tasks.ResumeAsync(context.Message, context.CancellationToken) });
}

public sealed class UpdateTaskConsumer(TaskUpdates tasks) : IConsumer<UpdateTask>
{
    public async Task Consume(ConsumeContext<UpdateTask> context) =>
        await context.ReplyAsync(new TaskResult { Task = await tasks.UpdateAsync(context.Message, context.CancellationToken) });
}

public sealed class GetTaskConsumer(TaskQueries tasks) : IConsumer<GetTask>
{
    public async Task Consume(ConsumeContext<GetTask> context) =>
        await context.ReplyAsync(new TaskResult { Task = await tasks.GetAsync(context.Message, context.CancellationToken) });
}

public sealed class ListTasksConsumer(TaskQueries tasks) : IConsumer<ListTasks>
{
    public async Task Consume(ConsumeContext<ListTasks> context) =>
        await context.ReplyAsync(new ListTasksResult { Tasks = await tasks.ListAsync(context.Message, context.CancellationToken) });
}

public sealed class ListPidsConsumer(TaskQueries tasks) : IConsumer<ListPids>
{
    public async Task Consume(ConsumeContext<ListPids> context) =>
        await context.ReplyAsync(new ListPidsResult { Processes = await tasks.ListPidsAsync(context.Message, context.CancellationToken) });
}

public sealed class WaitTaskConsumer(TaskWaits tasks, HeldRequests held) : IConsumer<WaitTask>
{
    public async Task Consume(ConsumeContext<WaitTask> context)
    {
        using var slot = held.Enter(context.GetCaller(), "wait");
        await context.ReplyAsync(await tasks.WaitAsync(context.Message, context.CancellationToken));
    }
}

public sealed class ReadTaskLogsConsumer(TaskLogs tasks, HeldRequests held) : IConsumer<ReadTaskLogs>
{
    public async Task Consume(ConsumeContext<ReadTaskLogs> context)
    {
        // Only a read that may wait for output is held; an immediate read is like any query.
        using var slot = context.Message.WaitSeconds > 0 ? held.Enter(context.GetCaller(), "read logs") : null;
        await context.ReplyAsync(await tasks.ReadAsync(context.Message, context.CancellationToken));
    }
}
