using System.Runtime.Versioning;
using System.Text.Json;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>
/// Create, start, kill and delete of a task delivered twice with one message id (a redelivery after the runner died
/// before acknowledging, or a retry) answer what the first delivery did, with real containers: never AlreadyExists,
/// an illegal transition or NotFound for the caller's own change, and no second event or signal.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_task_command_is_delivered_twice(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_create_start_and_kill_once_and_answer_each_repeat_with_the_first_outcome()
    {
        const string id = "twice";
        await fixture.ContainerAsync(id, "sleep", "60");
        var ns = fixture.Namespace;
        var (create, start, kill) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        var created = await SendAsync<CreateTask, TaskResult>(new CreateTask { Namespace = ns, ContainerId = id }, create);
        var createdAgain = await SendAsync<CreateTask, TaskResult>(new CreateTask { Namespace = ns, ContainerId = id }, create);
        var started = await SendAsync<StartTask, TaskResult>(new StartTask { Namespace = ns, ContainerId = id }, start);
        var startedAgain = await SendAsync<StartTask, TaskResult>(new StartTask { Namespace = ns, ContainerId = id }, start);
        var killed = await SendAsync<KillTask, TaskResult>(new KillTask { Namespace = ns, ContainerId = id, Signal = 9 }, kill);
        Assert.Equal(137, (await fixture.WaitAsync(id)).ExitStatus);
        await fixture.GoneAsync(id);
        // The task is gone now: a new kill would be NotFound, the same one is answered as it was.
        var killedAgain = await SendAsync<KillTask, TaskResult>(new KillTask { Namespace = ns, ContainerId = id, Signal = 9 }, kill);

        Assert.Equal(Json(created.Task), Json(createdAgain.Task));
        Assert.Equal(Json(started.Task), Json(startedAgain.Task));
        Assert.Equal(TaskState.Running, started.Task.Status);
        Assert.Equal(Json(killed.Task), Json(killedAgain.Task));
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>(id).Count == 1, Ct, because: "the task's deletion is published");
        Assert.Single(fixture.EventsOf<TaskCreated>(id));
        Assert.Single(fixture.EventsOf<TaskStarted>(id));
        Assert.Single(fixture.EventsOf<TaskExited>(id));
        var fresh = await Assert.ThrowsAsync<PlatformException>(() =>
            SendAsync<KillTask, TaskResult>(new KillTask { Namespace = ns, ContainerId = id, Signal = 9 }, Guid.NewGuid()));
        Assert.Equal(ErrorKind.NotFound, fresh.Kind);
    }

    [Fact]
    public async Task Should_answer_a_repeated_delete_with_the_first_result_rather_than_not_found()
    {
        const string id = "deleted-twice";
        await fixture.ContainerAsync(id, "true");
        await fixture.Runc.Tasks.CreateAsync(id, fixture.Namespace, Ct);
        var delete = Guid.NewGuid();

        var deleted = await SendAsync<DeleteTask, DeleteTaskResult>(new DeleteTask { Namespace = fixture.Namespace, ContainerId = id }, delete);
        var deletedAgain = await SendAsync<DeleteTask, DeleteTaskResult>(new DeleteTask { Namespace = fixture.Namespace, ContainerId = id }, delete);

        Assert.Equal(JsonSerializer.Serialize(deleted), JsonSerializer.Serialize(deletedAgain));
        await Eventually.TrueAsync(() => fixture.EventsOf<TaskDeleted>(id).Count == 1, Ct, because: "the task's deletion is published");
        Assert.Single(fixture.EventsOf<TaskDeleted>(id));
    }

    private static string Json(TaskInfo task) => JsonSerializer.Serialize(task);

    private Task<TResult> SendAsync<T, TResult>(T request, Guid messageId)
        where T : class
        where TResult : class
    {
        Requirements.Runtime();
        return SameMessage.SendAsync<T, TResult>(fixture, request, messageId, Ct);
    }
}
