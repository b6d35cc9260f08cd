using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Contracts;
using Xunit;

namespace Platform.Common.Tests;

public class When_matching_a_selector
{
    private static bool Matches(string filter, IFieldSource source) => FilterParser.Parse(filter).Match(source);

    [Fact]
    public void Presence_matches_a_field_that_exists_even_when_empty()
    {
        Assert.True(Matches("labels.owner", FakeObject.Labelled(("owner", ""))));
        Assert.True(Matches("labels.owner", FakeObject.Labelled(("owner", "alice"))));
        Assert.False(Matches("labels.owner", FakeObject.Labelled(("team", "alice"))));
    }

    [Fact]
    public void Equality_needs_the_field_and_the_exact_value()
    {
        Assert.True(Matches("name==redis", new FakeObject("redis")));
        Assert.False(Matches("name==redis", new FakeObject("Redis")));
        Assert.False(Matches("name==redis", new FakeObject("redis-1")));
        Assert.False(Matches("name==redis", new FakeObject(null)));
    }

    [Fact]
    public void Equality_with_an_empty_value_needs_the_field_present()
    {
        Assert.True(Matches("labels.owner==\"\"", FakeObject.Labelled(("owner", ""))));
        Assert.False(Matches("labels.owner==\"\"", FakeObject.Labelled()));
    }

    [Fact]
    public void Inequality_matches_a_different_value()
    {
        Assert.True(Matches("name!=redis", new FakeObject("nginx")));
        Assert.False(Matches("name!=redis", new FakeObject("redis")));
    }

    [Fact]
    public void Inequality_treats_an_absent_field_as_empty()
    {
        Assert.True(Matches("name!=redis", new FakeObject(null)));
        Assert.False(Matches("name!=\"\"", new FakeObject(null)));
        Assert.True(Matches("name!=\"\"", new FakeObject("redis")));
    }

    [Fact]
    public void A_pattern_matches_anywhere_in_the_value()
    {
        Assert.True(Matches("name~=edi", new FakeObject("redis")));
        Assert.True(Matches("name~=/^re/", new FakeObject("redis")));
        Assert.False(Matches("name~=/^edi/", new FakeObject("redis")));
        Assert.False(Matches("name~=/^re/", new FakeObject("Redis")));
    }

    [Fact]
    public void A_pattern_runs_over_an_empty_string_when_the_field_is_absent()
    {
        Assert.True(Matches("name~=/^$/", new FakeObject(null)));
        Assert.False(Matches("name~=/./", new FakeObject(null)));
    }

    [Fact]
    public void A_quoted_field_name_reaches_a_dotted_label()
    {
        var owned = FakeObject.Labelled(("example.com/owner", "alice"));

        Assert.True(Matches("labels.\"example.com/owner\"==alice", owned));
        Assert.False(Matches("labels.\"example.com/owner\"==bob", owned));
    }

    [Fact]
    public void Unquoted_dotted_parts_after_labels_name_one_dotted_label()
    {
        var labelled = FakeObject.Labelled(("io.kubernetes.pod", "web"));

        Assert.True(Matches("labels.io.kubernetes.pod==web", labelled));
        Assert.True(Matches("labels.io.\"kubernetes.pod\"==web", labelled));
        Assert.False(Matches("labels.io==web", labelled));
    }

    [Fact]
    public void An_unknown_field_is_absent()
    {
        Assert.False(Matches("image==redis", new FakeObject("redis")));
        Assert.True(Matches("image!=redis", new FakeObject("redis")));
    }

    [Fact]
    public void A_hand_built_pattern_selector_compiles_on_first_use()
    {
        var selector = new Selector(["name"], SelectorOperator.Matches, "^re");

        Assert.True(selector.Match(new FakeObject("redis")));
        Assert.False(selector.Match(new FakeObject("nginx")));
    }

    [Fact]
    public void A_hand_built_invalid_pattern_fails_as_an_invalid_argument()
    {
        var selector = new Selector(["name"], SelectorOperator.Matches, "(");

        var error = Assert.Throws<PlatformException>(() => selector.Match(new FakeObject("redis")));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith("invalid regular expression \"(\"", error.Message);
    }

    [Fact]
    public void A_pattern_that_runs_away_fails_instead_of_hanging()
    {
        var selector = FilterParser.Parse("name~=/^(a+)+$/").Selectors[0];

        var error = Assert.Throws<PlatformException>(() => selector.Match(new FakeObject(new string('a', 40) + "!")));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("took longer than 1 s", error.Message);
    }
}

public class When_combining_selectors_and_filters
{
    private static readonly FakeObject RedisOfAlice = new("redis", new() { ["owner"] = "alice", ["tier"] = "cache" });
    private static readonly FakeObject NginxOfBob = new("nginx", new() { ["owner"] = "bob" });
    private static readonly FakeObject[] Objects = [RedisOfAlice, NginxOfBob];

    private static string[] NamesMatching(params string[] filters)
    {
        var set = FilterSet.Parse(filters);
        return [.. Objects.Where(set.Match).Select(o => o.TryGetField(["name"], out var name) ? name : "?")];
    }

    [Fact]
    public void All_selectors_of_one_filter_must_match()
    {
        Assert.Equal(["redis"], NamesMatching("labels.owner==alice,labels.tier"));
        Assert.Empty(NamesMatching("labels.owner==bob,labels.tier"));
    }

    [Fact]
    public void Any_filter_of_a_set_may_match()
    {
        Assert.Equal(["redis", "nginx"], NamesMatching("name==redis", "labels.owner==bob"));
        Assert.Equal(["nginx"], NamesMatching("name==postgres", "labels.owner==bob"));
        Assert.Empty(NamesMatching("name==postgres", "labels.owner==carol"));
    }

    [Fact]
    public void A_set_combines_and_within_filters_with_or_between_them()
    {
        Assert.Equal(["nginx"], NamesMatching("name==redis,labels.owner==bob", "name~=^ng,labels.tier!=cache"));
    }

    [Fact]
    public void A_quoted_comma_does_not_split_the_filter()
    {
        var tagged = new FakeObject("x", new() { ["note"] = "a,b" });

        Assert.True(FilterSet.Parse(["labels.note==\"a,b\""]).Match(tagged));
        Assert.False(FilterSet.Parse(["labels.note==\"a\""]).Match(tagged));
    }

    [Fact]
    public void No_filters_match_everything()
    {
        Assert.Equal(["redis", "nginx"], NamesMatching());
        Assert.True(FilterSet.Parse(null).MatchesAll);
        Assert.True(FilterSet.Parse([]).MatchesAll);
        Assert.Same(FilterSet.All, FilterSet.Parse(null));
        Assert.True(FilterSet.All.Match(NginxOfBob));
    }

    [Fact]
    public void A_set_with_filters_does_not_claim_to_match_all()
    {
        var set = FilterSet.Parse(["name==redis"]);

        Assert.False(set.MatchesAll);
        Assert.Single(set.Filters);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_filter_in_the_list_is_an_error(string empty)
    {
        var error = Assert.Throws<PlatformException>(() => FilterSet.Parse(["name==redis", empty]));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("filter must not be empty", error.Message);
    }

    [Fact]
    public void A_malformed_filter_in_the_list_names_itself()
    {
        var error = Assert.Throws<PlatformException>(() => FilterSet.Parse(["name==redis", "labels.a=b"]));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("\"labels.a=b\"", error.Message);
    }
}

public class When_reading_a_label_field
{
    private static readonly Dictionary<string, string> Labels = new() { ["a.b"] = "1", ["c"] = "2" };

    [Fact]
    public void The_parts_after_labels_are_joined_with_dots()
    {
        Assert.True(FieldPaths.TryGetLabel(["labels", "a", "b"], Labels, out var value));
        Assert.Equal("1", value);
    }

    [Fact]
    public void A_single_part_is_the_key()
    {
        Assert.True(FieldPaths.TryGetLabel(["labels", "c"], Labels, out var value));
        Assert.Equal("2", value);
    }

    [Theory]
    [InlineData("labels")]
    [InlineData("name", "c")]
    [InlineData("labels", "a")]
    [InlineData("Labels", "c")]
    public void Other_paths_are_absent(params string[] path)
    {
        Assert.False(FieldPaths.TryGetLabel(path, Labels, out var value));
        Assert.Equal("", value);
    }
}
