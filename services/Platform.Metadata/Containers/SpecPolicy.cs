using Microsoft.Extensions.Options;
using Platform.Common.Security;
using Platform.Contracts.Containers;

namespace Platform.Metadata.Containers;

/// <summary>
/// What the metadata service needs of the task runner's configuration (section <c>TaskRunner</c>) to judge a spec as
/// the runner will: the host folders bind mounts may come from.
/// </summary>
public sealed class SpecPolicyOptions
{
    public const string Section = "TaskRunner";

    /// <summary>Host folders an unprivileged spec may bind-mount from; default none. Keep it equal to the runner's.</summary>
    public List<string> AllowedBindSources { get; set; } = [];

    /// <summary>Where named volumes live; a container may mount its own namespace's. Default <c>{Store:DataRoot}/volumes</c>.</summary>
    public string? VolumesRoot { get; set; }
}

/// <summary>
/// The runtime policy (<see cref="RuntimePolicy"/>) at the door: a spec an unprivileged caller could not run is refused
/// when the container is created or its spec changes, with the message the task runner would give at CreateTask. The
/// runner checks again (it is the last line of defence, and it alone sees where a bind source's symlinks lead).
/// </summary>
public sealed class SpecPolicy(IOptions<SpecPolicyOptions> options)
{
    public void Check(Container container, bool privileged)
    {
        if (privileged)
            return;
        var context = new PolicyContext
        {
            Namespace = container.Namespace,
            HasSnapshot = container.SnapshotKey is not null,
            AllowedBindSources = options.Value.AllowedBindSources,
            VolumesRoot = options.Value.VolumesRoot,
        };
        RuntimePolicy.Enforce(RuntimePolicy.Check(container.Spec, context), $"container {container.Id}", container.Namespace);
    }
}
