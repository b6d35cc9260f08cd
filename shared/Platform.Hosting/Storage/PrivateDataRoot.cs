using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Hosting.Options;

namespace Platform.Hosting.Storage;

/// <summary>
/// Makes the data root 0700 at start-up, before any store or consumer runs: created so when missing, tightened when an
/// older version (which left it 0755) or an operator made it readable. Everything a service keeps lies below it, so
/// this one folder is what keeps host users from specs, logs, databases and container files.
/// </summary>
internal sealed class PrivateDataRoot(IOptions<StoreOptions> options, ILogger<PrivateDataRoot> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(options.Value.DataRoot);
        try
        {
            if (PrivateFiles.EnsureFolder(root))
                logger.LogWarning("The data root {DataRoot} was readable by other users; it is now 0700", root);
        }
        catch (UnauthorizedAccessException e)
        {
            // A data root that belongs to another user (docker-compose's shared volume, made by a root service, seen by
            // the metadata service's unprivileged user) is that owner's to close; this service keeps working in it.
            logger.LogWarning(e, "The data root {DataRoot} belongs to another user and stays as it is; its owner makes it 0700", root);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
