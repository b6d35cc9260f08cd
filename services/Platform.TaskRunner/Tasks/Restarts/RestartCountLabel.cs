using System.Globalization;
using Microsoft.Extensions.Logging;
using Platform.Client;
using Platform.Common.Errors;
using Platform.Common.Restarts;

namespace Platform.TaskRunner.Tasks.Restarts;

/// <summary>
/// Shows the restart count on the container (<c>containers get</c>) as the label <see cref="RestartPolicy.CountLabel"/>,
/// through UpdateContainer with a field mask of that label alone. Best effort: the runner's store holds the real count
/// (on the task: <c>restartCount</c>), and the label catches up at the next restart.
/// </summary>
public sealed class RestartCountLabel(PlatformClient platform, ILogger<RestartCountLabel> logger)
{
    public async Task SetAsync(string @namespace, string containerId, int count, CancellationToken cancellationToken)
    {
        try
        {
            await platform.Containers.SetLabelsAsync(containerId,
                new Dictionary<string, string?> { [RestartPolicy.CountLabel] = count.ToString(CultureInfo.InvariantCulture) }, @namespace, cancellationToken);
        }
        catch (PlatformException e)
        {
            logger.LogDebug("The restart count label of {Namespace}/{ContainerId} was not updated: {Reason}", @namespace, containerId, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "The restart count label of {Namespace}/{ContainerId} was not updated", @namespace, containerId);
        }
    }
}
