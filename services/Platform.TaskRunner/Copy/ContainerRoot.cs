namespace Platform.TaskRunner.Copy;

/// <summary>A container's root folder on the host, released (unmounted) on dispose.</summary>
public sealed class ContainerRoot(string path, Action? release) : IDisposable
{
    public string Path { get; } = path;

    public void Dispose() => release?.Invoke();
}
