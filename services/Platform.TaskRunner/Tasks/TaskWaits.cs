using Platform.Common.Errors;
using Platform.Contracts.Tasks;

namespace Platform.TaskRunner.Tasks;

/// <summary>WaitTask: answers with a process's exit as soon as it is recorded, or "not yet" when the wait's time is up.</summary>
public sealed class TaskWaits(TaskExits exits, ExitSignals signals)
{
    public async Task<WaitTaskResult> WaitAsync(WaitTask request, CancellationToken cancellationToken)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        if (!string.IsNullOrEmpty(request.ExecId))
            TaskRules.ValidateExecId(request.ExecId);
        if (request.WaitSeconds is < 0 or > TaskRules.MaxWaitSeconds)
            throw PlatformException.InvalidArgument($"waitSeconds must be from 0 to {TaskRules.MaxWaitSeconds} (got {request.WaitSeconds})");
        var execId = string.IsNullOrEmpty(request.ExecId) ? null : request.ExecId;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(request.WaitSeconds));
        while (true)
        {
            // Take the wake-up before reading, so an exit recorded in between is not missed.
            var next = signals.Next(ns, id, execId);
            TaskExit? exit;
            try
            {
                exit = await exits.FindAsync(ns, id, execId, cancellationToken);
            }
            catch (PlatformException e) when (e.Kind == Contracts.ErrorKind.NotFound)
            {
                signals.Wake(ns, id, execId);
                throw;
            }
            if (exit is not null)
            {
                signals.Wake(ns, id, execId);
                return new WaitTaskResult { Exited = true, Exit = exit };
            }
            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new WaitTaskResult { Exited = false };
            }
        }
    }
}
