using Platform.Cli.Commands.Events;
using Platform.Common.Events;
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

    [Fact]
    public void Image_and_content_events_are_about_the_name_and_the_digest()
    {
        var digest = "sha256:" + new string('a', 64);
        var image = new Contracts.Images.Image
        {
            Namespace = "prod", Name = "docker.io/library/busybox:1.36",
            Target = new Contracts.Images.Descriptor { MediaType = "application/vnd.oci.image.manifest.v1+json", Digest = digest, Size = 10 },
            Labels = new Dictionary<string, string> { ["team"] = "base" },
        };
        var created = new Contracts.Images.ImageCreated { EventId = Guid.NewGuid(), Timestamp = DateTimeOffset.UtcNow, Namespace = "prod", Sequence = 1, Image = image };
        var removed = new Contracts.Resources.ContentRemoved { EventId = Guid.NewGuid(), Timestamp = DateTimeOffset.UtcNow, Namespace = "prod", Sequence = 3, Digest = digest, Size = 10, Collected = true };

        Assert.True(Matches(created, "type==ImageCreated,id==\"docker.io/library/busybox:1.36\",labels.team==base"));
        Assert.True(Matches(removed, $"type==ContentRemoved,id==\"{digest}\""));
        Assert.EndsWith($" ImageCreated prod docker.io/library/busybox:1.36 1 target={digest}", EventOutput.Line(created));
        Assert.EndsWith($" ContentRemoved prod {digest} 3 size=10 collected", EventOutput.Line(removed));
        var json = System.Text.Json.JsonDocument.Parse(EventOutput.JsonLine(created)).RootElement;
        Assert.Equal(digest, json.GetProperty("image").GetProperty("target").GetProperty("digest").GetString());
    }
}
