using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Cli.Output;
using Platform.Common.Events;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Platform.Contracts.Resources;

namespace Platform.Cli.Commands.Events;

/// <summary>One line per event: <c>TIME TYPE NAMESPACE ID SEQ [DETAIL]</c>, or one compact JSON object.</summary>
internal static class EventOutput
{
    private static readonly string[] Envelope = ["type", "eventId", "timestamp", "namespace", "sequence"];

    public static string Line(IPlatformEvent e)
    {
        var line = string.Join(' ',
            ContainerText.Time(e.Timestamp),
            e.GetType().Name,
            e.Namespace,
            EventSubject.Id(e) ?? "-",
            e.Sequence.ToString(CultureInfo.InvariantCulture));
        return EventSubject.Detail(e) is { } detail ? line + " " + detail : line;
    }

    /// <summary>
    /// The envelope first, then the event's own fields; a container, snapshot, lease, image or content record inside is shaped as
    /// <c>containers get</c>, <c>snapshots stat</c>, <c>leases create</c>, <c>images ls</c> or <c>content ls</c> show it with <c>-o json</c>.
    /// </summary>
    public static string JsonLine(IPlatformEvent e)
    {
        var type = CliJson.Default.GetTypeInfo(e.GetType())
            ?? throw new NotSupportedException($"{e.GetType().Name} is not listed in {nameof(CliJson)}");
        var body = JsonSerializer.SerializeToNode(e, type)!.AsObject();
        var json = new JsonObject
        {
            ["type"] = e.GetType().Name,
            ["eventId"] = e.EventId.ToString(),
            ["timestamp"] = Json.Time(e.Timestamp),
            ["namespace"] = e.Namespace,
            ["sequence"] = e.Sequence,
        };
        foreach (var property in type.Properties)
        {
            if (Envelope.Contains(property.Name))
                continue;
            json[property.Name] = property.Get?.Invoke(e) switch
            {
                Container container => ContainerJson.ToJson(container),
                Snapshot snapshot => SnapshotJson.ToJson(snapshot),
                Lease lease => LeaseJson.ToJson(lease),
                Contracts.Images.Image image => ImageJson.ToJson(image),
                Contracts.Resources.Content content => ContentJson.ToJson(content),
                _ => body[property.Name]?.DeepClone(),
            };
        }
        return json.ToJsonString(Json.Compact);
    }
}
