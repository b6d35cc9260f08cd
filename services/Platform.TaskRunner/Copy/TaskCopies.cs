using Platform.Common.Errors;
using Platform.Contracts.Tasks;
using Platform.Hosting.Security;
using Platform.Hosting.Storage;
using Platform.ResourceGc.Import;
using Platform.TaskRunner.Tasks;

namespace Platform.TaskRunner.Copy;

/// <summary>
/// CopyToTask and CopyFromTask: tar streams into and out of a container's filesystem (<see cref="ContainerRoots"/>),
/// carried in chunks of at most <see cref="CopyChunks.MaxBytes"/> through private files (<see cref="CopySessions"/>).
/// </summary>
public sealed class TaskCopies(ContainerRoots roots, CopySessions sessions)
{
    public async Task<CopyToTaskResult> CopyToAsync(CopyToTask request, Caller caller, CancellationToken ct)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        if (request.UploadId == Guid.Empty)
            throw PlatformException.InvalidArgument("uploadId is required");
        if (request.Data.Length > CopyChunks.MaxBytes)
            throw PlatformException.InvalidArgument($"data: a chunk is at most {CopyChunks.MaxBytes} bytes (got {request.Data.Length})");
        var session = sessions.Find(request.UploadId, caller.User)
                      ?? (request.Offset == 0
                          ? sessions.Begin(request.UploadId, caller.User)
                          : throw PlatformException.NotFound($"upload {request.UploadId} is not under way (it ended, or was abandoned)"));
        await session.Lock.WaitAsync(ct);
        try
        {
            long received;
            await using (var file = File.Open(session.File, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                if (request.Offset != file.Length)
                    throw PlatformException.InvalidArgument($"offset {request.Offset}: {file.Length} bytes of upload {request.UploadId} were received so far");
                file.Seek(0, SeekOrigin.End);
                await file.WriteAsync(request.Data, ct);
                received = file.Length;
            }
            if (!request.Complete)
                return new CopyToTaskResult { Received = received };
            try
            {
                using var root = await roots.OpenAsync(ns, id, ct);
                await TarImport.UnpackAsync(root.Path, session.File, request, new ArchiveRules { AllowDevices = caller.IsPrivilegedIn(ns) }, ct);
            }
            finally
            {
                sessions.End(session);
            }
            return new CopyToTaskResult { Received = received };
        }
        finally
        {
            session.Lock.Release();
        }
    }

    public async Task<CopyFromTaskResult> CopyFromAsync(CopyFromTask request, Caller caller, CancellationToken ct)
    {
        var (ns, id) = TaskRules.Address(request.Namespace, request.ContainerId);
        var session = request.DownloadId is { } download
            ? sessions.Find(download, caller.User) ?? throw PlatformException.NotFound($"download {download} is not under way (it ended, or was abandoned)")
            : await BeginDownloadAsync(ns, id, request.Path, caller, ct);
        await session.Lock.WaitAsync(ct);
        try
        {
            await using var file = File.Open(session.File, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (request.Offset < 0 || request.Offset > file.Length)
                throw PlatformException.InvalidArgument($"offset {request.Offset}: the stream has {file.Length} bytes");
            file.Seek(request.Offset, SeekOrigin.Begin);
            var data = new byte[(int)Math.Min(CopyChunks.MaxBytes, file.Length - request.Offset)];
            await file.ReadExactlyAsync(data, ct);
            var complete = request.Offset + data.Length >= file.Length;
            if (complete)
                sessions.End(session);
            return new CopyFromTaskResult
            {
                DownloadId = session.Id, Data = data, Size = file.Length, Complete = complete, Name = session.Name, IsDirectory = session.IsDirectory,
            };
        }
        finally
        {
            session.Lock.Release();
        }
    }

    private async Task<CopySessions.Session> BeginDownloadAsync(string ns, string id, string? path, Caller caller, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(path))
            throw PlatformException.InvalidArgument("path is required");
        var name = ContainerPath.BaseName(path);
        if (name == "/")
            throw PlatformException.InvalidArgument($"path {path}: copy a file or folder below the root (the root itself can't be copied)");
        using var root = await roots.OpenAsync(ns, id, ct);
        var followLast = path.EndsWith('/') || path.EndsWith("/.", StringComparison.Ordinal);
        var host = ContainerPath.Resolve(root.Path, path, followLast);
        var info = new FileInfo(host);
        var isLink = info.LinkTarget is not null;
        var isFolder = !isLink && Directory.Exists(host);
        if (!isLink && !isFolder && !info.Exists)
            throw PlatformException.NotFound($"path {path}: no such file or folder in container {id}");
        if (followLast && !isFolder)
            throw PlatformException.InvalidArgument($"path {path}: not a folder");
        var session = sessions.Begin(Guid.NewGuid(), caller.User, name, isFolder);
        try
        {
            await using var file = File.Open(session.File, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            await TarExport.WriteAsync(host, name, file, ct);
        }
        catch
        {
            sessions.End(session);
            throw;
        }
        return session;
    }
}
