using Platform.Client.Cache;
using Platform.Common.Filters;
using Platform.Contracts.Containers;
using Xunit;

namespace Platform.EndToEnd.Tests.Cache;

/// <summary>The watch cache's ordering rules, without a broker: events may arrive twice, late, or out of order.</summary>
public sealed class When_container_events_arrive_out_of_order
{
    private static readonly DateTimeOffset First = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Second = First.AddMinutes(1);

    private static Container C(string id, long version, DateTimeOffset createdAt, string tier = "front") => new()
    {
        Namespace = "ns", Id = id, Runtime = new RuntimeInfo { Name = "runc" }, Spec = "{}", Version = version,
        CreatedAt = createdAt, UpdatedAt = createdAt, Labels = new Dictionary<string, string> { ["tier"] = tier },
    };

    [Fact]
    public void An_older_version_never_replaces_a_newer_one()
    {
        var view = new ContainerView();
        Assert.True(view.Put(C("web", 3, First, "back")));
        Assert.False(view.Put(C("web", 2, First)));
        Assert.False(view.Put(C("web", 3, First)));
        Assert.Equal(3, view.Get("web")!.Version);
        Assert.Equal("back", view.Get("web")!.Labels["tier"]);
    }

    [Fact]
    public void A_late_event_of_a_deleted_incarnation_does_not_bring_it_back_but_a_new_incarnation_does()
    {
        var view = new ContainerView();
        view.Put(C("web", 1, First));
        Assert.True(view.Remove("web", First));
        Assert.False(view.Put(C("web", 2, First)));
        Assert.Null(view.Get("web"));
        Assert.True(view.Put(C("web", 1, Second)));
        Assert.Equal(Second, view.Get("web")!.CreatedAt);
        Assert.False(view.Remove("web", First));
        Assert.NotNull(view.Get("web"));
    }

    [Fact]
    public void A_deletion_that_arrives_before_its_creation_wins()
    {
        var view = new ContainerView();
        Assert.True(view.Remove("web", First));
        Assert.False(view.Put(C("web", 1, First)));
        Assert.Null(view.Get("web"));
        Assert.Equal(0, view.Count);
    }

    [Fact]
    public void A_resync_drops_what_was_not_listed_and_keeps_what_changed_during_the_list()
    {
        var view = new ContainerView();
        view.Put(C("gone", 1, First));
        view.Put(C("kept", 1, First));
        var mark = view.Mark();
        view.Put(C("new", 1, Second)); // an event applied while the list was being read
        var dropped = view.Reconcile(new HashSet<string> { "kept" }, mark, forgetBefore: 0);
        Assert.Equal(1, dropped);
        Assert.Null(view.Get("gone"));
        Assert.NotNull(view.Get("kept"));
        Assert.NotNull(view.Get("new"));
        // The dropped one is held as deleted, so a late repeat of its creation does not bring it back.
        Assert.False(view.Put(C("gone", 1, First)));
    }

    [Fact]
    public void Deletions_older_than_the_previous_resync_are_forgotten()
    {
        var view = new ContainerView();
        view.Put(C("web", 1, First));
        view.Remove("web", First);
        var mark = view.Mark();
        view.Reconcile(new HashSet<string>(), view.Mark(), forgetBefore: mark);
        // Forgotten: only now can a (very) late repeat of the creation come back, which is the documented price.
        Assert.True(view.Put(C("web", 1, First)));
    }

    [Fact]
    public void A_list_filters_like_the_service_and_is_in_id_order()
    {
        var view = new ContainerView();
        view.Put(C("b", 1, First, "back"));
        view.Put(C("c", 1, First));
        view.Put(C("a", 1, First));
        view.Remove("c", First);
        Assert.Equal(["a"], view.List(FilterSet.Parse(["labels.tier==front"])).Select(c => c.Id));
        Assert.Equal(["a", "b"], view.List(FilterSet.All).Select(c => c.Id));
        Assert.Equal(2, view.Count);
    }
}
