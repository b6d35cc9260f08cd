namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>
/// runc removes a container's cgroup but not the parent made for it (<c>/platform/{namespace}</c>, see the default
/// cgroupsPath in <see cref="OciBundle.WriteAsync"/>); this removes that parent once it is empty. rmdir refuses a cgroup
/// that still has children, so a namespace with other live tasks keeps it; and nothing is removed while a create in the
/// namespace is under way, because runc makes the parent and then configures it (removing it in between fails that create).
/// </summary>
internal sealed class NamespaceCgroups
{
    private const string Hierarchies = "/sys/fs/cgroup";

    // Creates under way per namespace.
    private readonly Dictionary<string, int> _creating = [];
    private readonly Lock _lock = new();

    /// <summary>Marks a create in <paramref name="namespace"/> as under way until the returned handle is disposed.</summary>
    public IDisposable Creating(string @namespace)
    {
        lock (_lock)
            _creating[@namespace] = _creating.GetValueOrDefault(@namespace) + 1;
        return new Create(this, @namespace);
    }

    /// <summary>Removes the namespace's parent cgroups that are empty, unless a create in the namespace is under way.</summary>
    public void RemoveIfIdle(string @namespace)
    {
        if (!Directory.Exists(Hierarchies))
            return;
        lock (_lock)
        {
            if (!_creating.ContainsKey(@namespace))
                RemoveEmpty(@namespace);
        }
    }

    private static void RemoveEmpty(string @namespace)
    {
        foreach (var hierarchy in Directory.EnumerateDirectories(Hierarchies))
        {
            var parent = Path.Combine(hierarchy, "platform", @namespace);
            try
            {
                if (Directory.Exists(parent))
                    Directory.Delete(parent);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // still in use, or not a cgroup hierarchy
            }
        }
    }

    private void Done(string @namespace)
    {
        lock (_lock)
        {
            if (--_creating[@namespace] == 0)
                _creating.Remove(@namespace);
        }
    }

    private sealed class Create(NamespaceCgroups owner, string @namespace) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.Done(@namespace);
        }
    }
}
