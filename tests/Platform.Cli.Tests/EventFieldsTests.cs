using Platform.Cli.Commands.Events;
using Platform.Common.Filters;
using Platform.Contracts;
using Platform.Contracts.Containers;
using Xunit;

namespace Platform.Cli.Tests;

/// <summary>The fields <c>events --filter</c> sees: type, namespace, id and the container's labels.</summary>
public sealed class When_events_are_filtered
{
    private static readonly Container Web = new()
    {
        Namespace = "prod", Id = "web", Runtime = new RuntimeInfo { Name = "runc" }, Spec = "{}",
        Labels = new Dictionary<string, string> { ["tier"] = "front", ["example.com/owner"] = "alice" },
    };

    private static readonly IPlatformEvent Created = new ContainerCreated
    {
        EventId = Guid.NewGuid(), Timestamp = DateTimeOffset.UtcNow, Namespace = "prod", Sequence = 1, Container = Web,
    };

    private static readonly IPlatformEvent Deleted = new ContainerDeleted
    {
        EventId = Guid.NewGuid(), Timestamp = DateTimeOffset.UtcNow, Namespace = "prod", Sequence = 2, Id = "web", Labels = Web.Labels,
    };

    private static bool Matches(IPlatformEvent e, params string[] filters) => FilterSet.Parse(filters).Match(new EventFields(e));

    [Theory]
    [InlineData("type==ContainerCreated", true)]
    [InlineData("type==ContainerDeleted", false)]
    [InlineData("namespace==prod,id==web", true)]
    [InlineData("id==db", false)]
    [InlineData("labels.tier==front", true)]
    [InlineData("labels.\"example.com/owner\"==alice", true)]
    [InlineData("labels.missing", false)]
    [InlineData("sequence==1", false)]
    [InlineData("type~=Container", true)]
    public void A_created_event_exposes_its_type_namespace_container_id_and_labels(string filter, bool expected) =>
        Assert.Equal(expected, Matches(Created, filter));

    [Fact]
    public void A_deleted_event_exposes_the_id_and_labels_it_carries() =>
        Assert.True(Matches(Deleted, "type==ContainerDeleted,id==web,labels.tier==front"));

    [Fact]
    public void Several_filters_match_when_any_does()
    {
        Assert.True(Matches(Deleted, "type==ContainerCreated", "id==web"));
        Assert.False(Matches(Deleted, "type==ContainerCreated", "id==db"));
    }

    [Fact]
    public void The_table_line_is_time_type_namespace_id_and_sequence() =>
        Assert.Equal("2025-03-04T05:06:07.0000000Z ContainerDeleted prod web 2",
            EventOutput.Line(new ContainerDeleted
            {
                EventId = Guid.NewGuid(), Timestamp = new DateTimeOffset(2025, 3, 4, 6, 6, 7, TimeSpan.FromHours(1)),
                Namespace = "prod", Sequence = 2, Id = "web",
            }));
}
