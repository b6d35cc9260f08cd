using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using MassTransit;

namespace Platform.Client;

/// <summary>How every Platform bus writes JSON on the wire.</summary>
public static class WireJson
{
    /// <summary>
    /// Enums travel by name (<c>"kind": "NotFound"</c>), so a client in any language reads them without our numbering;
    /// numbers are still read, so messages from older senders keep working. MassTransit's serializer options are global
    /// to the process, so a second bus in it (a test's client beside its host) finds the converter already there.
    /// </summary>
    [RequiresDynamicCode("MassTransit's serializer builds its JSON code at run time; a native client sends without it (Requests/WireTypes).")]
    public static void UsePlatformJson(this IBusFactoryConfigurator cfg) =>
        cfg.ConfigureJsonSerializerOptions(options =>
        {
            if (!options.Converters.Any(c => c is JsonStringEnumConverter))
                options.Converters.Add(new JsonStringEnumConverter());
            return options;
        });
}
