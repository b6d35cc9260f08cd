using System.CommandLine;
using Platform.Common.Errors;

namespace Platform.Cli.Commands.Cp;

/// <summary>
/// <c>cp SRC ID:DEST</c> and <c>cp ID:SRC DEST</c>: files and folders into and out of a container (running or not) as
/// tar streams in chunks over the bus; <c>-</c> is a tar stream on stdin or stdout.
/// </summary>
internal static class CpCommand
{
    public static Command Create(CliContext context)
    {
        var source = new Argument<string>("src") { Description = "Local path, '-' (a tar stream on stdin), or ID:PATH" };
        var destination = new Argument<string>("dest") { Description = "Local path, '-' (a tar stream on stdout), or ID:PATH" };
        var command = new Command("cp", "Copy files and folders between a container (running or stopped) and the local filesystem, docker cp's way")
        {
            source, destination,
        };
        context.SetAction(command, async run =>
        {
            var from = CopyPath.Parse(run.Get(source)!);
            var to = CopyPath.Parse(run.Get(destination)!);
            if ((from.ContainerId is null) == (to.ContainerId is null))
                return await run.UsageErrorAsync("cp copies between a container and the local filesystem: exactly one of SRC and DEST is ID:PATH");
            var client = await run.ClientAsync();
            if (to.ContainerId is { } into)
            {
                await using var tar = TempStream();
                var (name, isFolder) = from.IsStream
                    ? (null, true)
                    : await LocalCopy.WriteTarAsync(from.Path, from.ContentsOnly, tar, run.CancellationToken);
                Stream upload = tar;
                if (from.IsStream)
                    upload = Console.OpenStandardInput();
                else
                    tar.Position = 0;
                await client.Tasks.CopyToAsync(into, upload, to.Path, name, isFolder, run.Namespace, run.CancellationToken);
                return ExitCodes.Ok;
            }
            var outOf = from.ContainerId!;
            if (to.IsStream)
            {
                await using var stdout = Console.OpenStandardOutput();
                await client.Tasks.CopyFromAsync(outOf, from.Path, stdout, run.Namespace, run.CancellationToken);
                return ExitCodes.Ok;
            }
            await using (var received = TempStream())
            {
                var (name, isDirectory) = await client.Tasks.CopyFromAsync(outOf, from.Path, received, run.Namespace, run.CancellationToken);
                received.Position = 0;
                await LocalCopy.PlaceAsync(received, name, isDirectory, from.ContentsOnly, to.Path, run.CancellationToken);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A temporary file unlinked at once: it vanishes when closed, whatever happens to this process.</summary>
    private static FileStream TempStream()
    {
        var path = Path.Combine(Path.GetTempPath(), $"platformctl-cp-{Guid.NewGuid():N}.tar");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        File.Delete(path);
        return file;
    }
}
