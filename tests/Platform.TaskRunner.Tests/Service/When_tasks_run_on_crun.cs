using System.Runtime.Versioning;
using Platform.Contracts.Tasks;
using Platform.Testing;
using Xunit;

namespace Platform.TaskRunner.Tests.Service;

/// <summary>
/// A container whose runtime is <c>crun</c> runs on crun, through the same conmon, bundle and exit path as runc: its
/// output, exit status, exec processes, kill and cleanup, beside runc containers of the same namespace.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class When_tasks_run_on_crun(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<TaskInfo> RunOnCrunAsync(string id, params string[] args)
    {
        Requirements.Crun();
        await fixture.ContainerAsync(id, args, null, runtime: "crun");
        await fixture.Runc.Tasks.CreateAsync(id, fixture.Namespace, Ct);
        return await fixture.Runc.Tasks.StartAsync(id, fixture.Namespace, Ct);
    }

    [Fact]
    public async Task A_task_runs_to_its_exit_status_with_its_output_kept()
    {
        var started = await RunOnCrunAsync("crun-exit", "sh", "-c", "echo on-crun; exit 7");

        Assert.True(started.Pid > 0);
        Assert.Equal(7, (await fixture.WaitAsync("crun-exit")).ExitStatus);
        var output = new List<TaskLogEntry>();
        await foreach (var entry in fixture.Runc.Tasks.StreamLogsAsync("crun-exit", follow: false, @namespace: fixture.Namespace, cancellationToken: Ct))
            output.Add(entry);
        Assert.Equal("on-crun\n", string.Concat(output.Select(e => e.Text)));
        await fixture.GoneAsync("crun-exit");
    }

    [Fact]
    public async Task An_exec_and_a_kill_go_through_crun_and_the_task_is_cleaned_up()
    {
        await RunOnCrunAsync("crun-exec", "sleep", "60");
        // The runtime named on the container is the one crun's own state knows (runc's doesn't).
        Assert.Contains("crun-exec", await RuntimeListAsync("crun"));

        var exec = await fixture.Runc.Tasks.ExecAsync("crun-exec", "probe", """{"args":["sh","-c","exit 4"]}""", fixture.Namespace, Ct);
        Assert.True(exec.Pid > 0);
        Assert.Equal(4, (await fixture.WaitAsync("crun-exec", "probe")).ExitStatus);
        await fixture.Runc.Tasks.KillAsync("crun-exec", signal: 9, @namespace: fixture.Namespace, cancellationToken: Ct);

        Assert.Equal(137, (await fixture.WaitAsync("crun-exec")).ExitStatus);
        await fixture.GoneAsync("crun-exec");
        Assert.DoesNotContain("crun-exec", await RuntimeListAsync("crun"));
    }

    /// <summary>What <c>RUNTIME list</c> shows under the runner's runtime root (ids are prefixed by namespace).</summary>
    private async Task<string> RuntimeListAsync(string runtime)
    {
        // The runner gives each runtime a state root per namespace: {tasks root}/{runtime}/{namespace}.
        var root = Directory.EnumerateDirectories(fixture.DataRoot, runtime, SearchOption.AllDirectories)
            .Select(folder => Path.Combine(folder, fixture.Namespace)).First(Directory.Exists);
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/" + runtime) { RedirectStandardOutput = true };
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(root);
        start.ArgumentList.Add("list");
        using var process = System.Diagnostics.Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return text;
    }
}
