using System.Text;
using System.Text.Json.Nodes;
using Platform.Common.Errors;
using Platform.Common.Health;
using Platform.Contracts.Tasks;
using Platform.TaskRunner.Runtime;

namespace Platform.TaskRunner.Health;

/// <summary>
/// Runs one health probe: the check's command as an exec process of the task (the runtime's exec, with the init
/// process's environment), killed with everything it started when it outlives the check's timeout (then a failure, exit
/// -1, as docker says). The probe is runner-internal: it is not in the task's execs and publishes no exec events, and its
/// monitor state and log are removed once its output is read. One probe per task at a time, under the reserved exec id
/// <see cref="ExecId"/>, so a probe left behind by a runner that died mid-check is found and removed before the next.
/// </summary>
public sealed class HealthProber(ITaskRuntime runtime, TimeProvider clock)
{
    /// <summary>The exec id of a task's probe (refused for user execs).</summary>
    public const string ExecId = "health-probe";

    /// <summary>Output kept per probe (docker's maxOutputLen).</summary>
    public const int MaxOutputBytes = 4096;

    public async Task<HealthProbe> ProbeAsync(TaskHandle task, HealthCheck check, CancellationToken cancellationToken)
    {
        await runtime.RemoveExecAsync(task, ExecId, cancellationToken); // a probe the last runner left running
        var start = clock.GetUtcNow();
        try
        {
            var process = new JsonObject { ["args"] = new JsonArray([.. check.ProcessArgs.Select(a => (JsonNode)a)]) };
            try
            {
                await runtime.ExecAsync(task, ExecId, process.ToJsonString(), cancellationToken);
            }
            catch (PlatformException e) when (e.Kind is Contracts.ErrorKind.InvalidArgument)
            {
                return new HealthProbe { Start = start, End = clock.GetUtcNow(), ExitCode = -1, Output = Truncate(e.Message) };
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(check.Timeout);
            try
            {
                var exit = await runtime.WaitForExitAsync(task, ExecId, timeout.Token);
                return new HealthProbe { Start = start, End = clock.GetUtcNow(), ExitCode = exit.ExitStatus ?? -1, Output = ReadOutput(task) };
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new HealthProbe
                {
                    Start = start, End = clock.GetUtcNow(), ExitCode = -1, Output = $"Health check exceeded timeout ({GoDuration.Format(check.Timeout)})",
                };
            }
        }
        finally
        {
            // Kills what still runs (a timed-out probe and its children, or one interrupted by the runner stopping).
            await runtime.RemoveExecAsync(task, ExecId, CancellationToken.None);
        }
    }

    private string ReadOutput(TaskHandle task)
    {
        var (entries, _) = TaskLogReader.Read(runtime.LogPath(task.Namespace, task.ContainerId, ExecId), 0, 4 * MaxOutputBytes);
        return Truncate(string.Concat(entries.Select(e => e.Text)));
    }

    private static string Truncate(string output)
    {
        var bytes = Encoding.UTF8.GetBytes(output);
        if (bytes.Length <= MaxOutputBytes)
            return output;
        // Cut at a character boundary: drop a continuation byte left at the end.
        var length = MaxOutputBytes;
        while (length > 0 && (bytes[length] & 0xC0) == 0x80)
            length--;
        return Encoding.UTF8.GetString(bytes, 0, length);
    }
}
