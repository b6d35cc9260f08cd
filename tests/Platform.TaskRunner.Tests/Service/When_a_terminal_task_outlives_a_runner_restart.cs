using System.Runtime.Versioning;
using System.Text;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>
/// A task on a terminal with stdin (<c>run -it</c>) through the runner's messages: input reaches its shell, the
/// terminal's size is set, and a runner restart neither ends it nor closes its terminal's input: a new attach types
/// into the same shell. A process without <c>-i</c> refuses stdin.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_terminal_task_outlives_a_runner_restart(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> OutputAsync(string id, string until)
    {
        var text = new StringBuilder();
        await Eventually.TrueAsync(async () =>
        {
            var chunk = await fixture.Runc.Tasks.ReadLogsAsync(id, 0, @namespace: fixture.Namespace, cancellationToken: Ct);
            text.Clear().Append(string.Concat(chunk.Entries.Select(e => e.Text)));
            return text.ToString().Contains(until, StringComparison.Ordinal);
        }, Ct, TimeSpan.FromSeconds(20), $"'{until}' should be in the log");
        return text.ToString();
    }

    [Fact]
    public async Task Should_keep_the_shell_and_take_input_again_after_the_restart()
    {
        await fixture.ContainerAsync("console", ["sh"], spec =>
        {
            spec["process"]!["terminal"] = true;
            spec["annotations"] = new System.Text.Json.Nodes.JsonObject { [TaskStdio.StdinAnnotation] = "true" };
        });
        var tasks = fixture.Runc.Tasks;
        await tasks.CreateAsync("console", fixture.Namespace, Ct);
        var attach = await tasks.AttachAsync("console", null, fixture.Namespace, Ct);
        Assert.True(attach.Terminal && attach.Stdin);
        await tasks.ResizeAsync("console", null, 91, 27, fixture.Namespace, Ct);
        var task = await tasks.StartAsync("console", fixture.Namespace, Ct);

        var stream = Guid.NewGuid().ToString("N");
        var next = await tasks.WriteStdinAsync("console", null, stream, 0, Encoding.ASCII.GetBytes("busybox stty size; echo before-$((1+1))\r"), fixture.Namespace, Ct);
        // A redelivered chunk (same stream, same offset) is not typed twice.
        Assert.Equal(next, await tasks.WriteStdinAsync("console", null, stream, 0, Encoding.ASCII.GetBytes("busybox stty size; echo before-$((1+1))\r"), fixture.Namespace, Ct));
        var before = await OutputAsync("console", "before-2\r\n");
        Assert.Contains("27 91\r\n", before);

        await fixture.RestartAsync(() =>
        {
            Assert.True(Directory.Exists($"/proc/{task.Pid}"), "the shell should keep running while the runner is down");
            return Task.CompletedTask;
        });

        await tasks.AttachAsync("console", null, fixture.Namespace, Ct);
        await tasks.WriteStdinAsync("console", null, Guid.NewGuid().ToString("N"), 0, Encoding.ASCII.GetBytes("echo after-$((2+2)); exit 6\r"), fixture.Namespace, Ct);
        var after = await OutputAsync("console", "after-4\r\n");
        Assert.Single(after.Split("before-2\r\n")[1..]);
        Assert.Equal(6, (await fixture.WaitAsync("console")).ExitStatus);
    }

    [Fact]
    public async Task Should_refuse_stdin_to_a_process_started_without_it()
    {
        var task = await fixture.RunAsync("no-stdin", "sleep", "60");
        try
        {
            var attach = await fixture.Runc.Tasks.AttachAsync("no-stdin", null, fixture.Namespace, Ct);
            Assert.False(attach.Terminal || attach.Stdin);
            var refused = await Assert.ThrowsAsync<PlatformException>(() =>
                fixture.Runc.Tasks.WriteStdinAsync("no-stdin", null, "s", 0, [1], fixture.Namespace, Ct));
            Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
            var resize = await Assert.ThrowsAsync<PlatformException>(() => fixture.Runc.Tasks.ResizeAsync("no-stdin", null, 80, 24, fixture.Namespace, Ct));
            Assert.Equal(ErrorKind.FailedPrecondition, resize.Kind);
        }
        finally
        {
            await fixture.Runc.Tasks.KillAsync("no-stdin", 9, @namespace: fixture.Namespace, cancellationToken: Ct);
        }
        Assert.NotEqual(0, task.Pid);
    }
}
