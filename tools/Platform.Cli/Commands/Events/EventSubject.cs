using Platform.Contracts;
using Platform.Contracts.Containers;

namespace Platform.Cli.Commands.Events;

/// <summary>What an event is about. A new event type shows up here or its id and labels stay absent to filters.</summary>
internal static class EventSubject
{
    public static string? Id(IPlatformEvent e) => e switch
    {
        ContainerCreated created => created.Container.Id,
        ContainerUpdated updated => updated.Container.Id,
        ContainerDeleted deleted => deleted.Id,
        _ => null,
    };

    public static IReadOnlyDictionary<string, string>? Labels(IPlatformEvent e) => e switch
    {
        ContainerCreated created => created.Container.Labels,
        ContainerUpdated updated => updated.Container.Labels,
        ContainerDeleted deleted => deleted.Labels,
        _ => null,
    };
}
