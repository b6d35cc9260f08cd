using Platform.Cli.Output;
using Platform.Client;
using Platform.Contracts;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>
/// The event types are listed by hand (a native platformctl can't find them by reflection): the lists must say what
/// the contracts assembly holds, or a new event would be neither subscribed to nor printable.
/// </summary>
public sealed class When_a_new_event_type_is_added_to_the_contracts
{
    private static readonly List<Type> Contracts = [.. typeof(IPlatformEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPlatformEvent).IsAssignableFrom(t))
        .OrderBy(t => t.Name, StringComparer.Ordinal)];

    [Fact]
    public void The_event_topology_lists_it()
    {
        Assert.True(Contracts.Count >= 20, $"only {Contracts.Count} event types found");
        Assert.Equal(Contracts, EventTopology.EventTypes);
    }

    [Fact]
    public void The_cli_has_generated_json_code_for_it()
    {
        var missing = Contracts.Where(t => CliJson.Default.GetTypeInfo(t) is null).Select(t => t.Name).ToList();

        Assert.True(missing.Count == 0, "add to tools/Platform.Cli/Output/CliJson.cs: " + string.Join(", ", missing));
    }
}
