using Platform.Common.Errors;
using Platform.Common.Filters;
using Platform.Contracts;
using Xunit;

namespace Platform.Common.Tests;

public class When_parsing_a_filter
{
    private static Selector Only(string filter) => Assert.Single(FilterParser.Parse(filter).Selectors);

    [Fact]
    public void A_bare_field_path_tests_presence()
    {
        var selector = Only("labels.owner");

        Assert.Equal(["labels", "owner"], selector.FieldPath);
        Assert.Equal(SelectorOperator.Present, selector.Operator);
        Assert.Equal("", selector.Value);
        Assert.Null(selector.Pattern);
    }

    [Theory]
    [InlineData("name==redis", SelectorOperator.Equal)]
    [InlineData("name!=redis", SelectorOperator.NotEqual)]
    [InlineData("name~=redis", SelectorOperator.Matches)]
    public void Each_operator_is_recognised(string filter, SelectorOperator expected)
    {
        var selector = Only(filter);

        Assert.Equal(new Selector(["name"], expected, "redis"), selector);
    }

    [Fact]
    public void Whitespace_around_tokens_is_ignored()
    {
        var filter = FilterParser.Parse("  labels . owner  ==  alice  ,\tname ,  image ~= /^docker/  ");

        Assert.Equal(
            new Filter([
                new Selector(["labels", "owner"], SelectorOperator.Equal, "alice"),
                new Selector(["name"], SelectorOperator.Present, ""),
                new Selector(["image"], SelectorOperator.Matches, "^docker"),
            ]),
            filter);
    }

    [Fact]
    public void A_dotted_path_keeps_its_parts()
    {
        Assert.Equal(["labels", "a", "b"], Only("labels.a.b==c").FieldPath);
    }

    [Fact]
    public void A_quoted_field_name_keeps_its_dots_and_slashes()
    {
        var selector = Only("labels.\"example.com/owner\"==alice");

        Assert.Equal(["labels", "example.com/owner"], selector.FieldPath);
        Assert.Equal("alice", selector.Value);
    }

    [Fact]
    public void An_unquoted_value_may_contain_punctuation()
    {
        Assert.Equal("docker.io/library/redis:7-alpine@sha256:ab", Only("image==docker.io/library/redis:7-alpine@sha256:ab").Value);
    }

    [Fact]
    public void An_equality_value_may_start_with_a_slash_or_bar()
    {
        Assert.Equal("/var/lib", Only("path==/var/lib").Value);
        Assert.Equal("|x|", Only("path!=|x|").Value);
    }

    [Fact]
    public void A_quoted_value_may_hold_commas_spaces_and_operators()
    {
        var filter = FilterParser.Parse("labels.note==\"a, b == c\",name");

        Assert.Equal(2, filter.Selectors.Count);
        Assert.Equal("a, b == c", filter.Selectors[0].Value);
        Assert.Equal(["name"], filter.Selectors[1].FieldPath);
    }

    [Theory]
    [InlineData("""x=="say \"hi\"" """, "say \"hi\"")]
    [InlineData("""x=="back\\slash" """, "back\\slash")]
    [InlineData("""x=="line\nbreak\ttab\r" """, "line\nbreak\ttab\r")]
    [InlineData("""x=="\u00e9t\u00E9" """, "été")]
    [InlineData("""x=="\U0001F600" """, "😀")]
    [InlineData("""x=="a\/b\'c" """, "a/b'c")]
    [InlineData("""x=="" """, "")]
    public void A_quoted_value_is_unescaped(string filter, string expected)
    {
        Assert.Equal(expected, Only(filter).Value);
    }

    [Fact]
    public void A_slash_delimited_pattern_is_compiled()
    {
        var selector = Only("name~=/^re.*s$/");

        Assert.Equal("^re.*s$", selector.Value);
        Assert.NotNull(selector.Pattern);
        Assert.Matches(selector.Pattern, "redis");
        Assert.DoesNotMatch(selector.Pattern, "xredis");
    }

    [Fact]
    public void A_bar_delimited_pattern_may_contain_slashes()
    {
        Assert.Equal("^docker.io/library/", Only("image~=|^docker.io/library/|").Value);
    }

    [Fact]
    public void An_escaped_delimiter_belongs_to_the_pattern()
    {
        Assert.Equal("a/b", Only(@"path~=/a\/b/").Value);
        Assert.Equal("a|b", Only(@"path~=|a\|b|").Value);
    }

    [Fact]
    public void Other_backslashes_are_left_for_the_regex_engine()
    {
        var selector = Only(@"version~=/^v\d+\.\d+$/");

        Assert.Equal(@"^v\d+\.\d+$", selector.Value);
        Assert.NotNull(selector.Pattern);
        Assert.Matches(selector.Pattern, "v1.25");
        Assert.DoesNotMatch(selector.Pattern, "v1x25");
    }

    [Fact]
    public void An_escaped_backslash_does_not_escape_the_closing_delimiter()
    {
        var filter = FilterParser.Parse(@"path~=/a\\/,name");

        Assert.Equal(@"a\\", filter.Selectors[0].Value);
        Assert.Equal(["name"], filter.Selectors[1].FieldPath);
    }

    [Fact]
    public void An_unquoted_pattern_is_compiled_too()
    {
        var selector = Only("name~=^re");

        Assert.Matches(selector.Pattern!, "redis");
    }

    [Fact]
    public void A_parsed_filter_prints_back_to_an_equal_filter()
    {
        var original = FilterParser.Parse("labels.\"example.com/owner\"==\"a, b\",name!=x,image~=/a\\/b/,labels.\"\"");

        var printed = original.ToString();

        Assert.Equal("labels.\"example.com/owner\"==\"a, b\",name!=x,image~=a/b,labels.\"\"", printed);
        Assert.Equal(original, FilterParser.Parse(printed));
    }
}

public class When_a_filter_is_malformed
{
    private static PlatformException Reject(string filter)
    {
        var error = Assert.Throws<PlatformException>(() => FilterParser.Parse(filter));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        return error;
    }

    [Theory]
    [InlineData("labels.a=b", "invalid filter \"labels.a=b\": expected an operator (==, !=, ~=) at position 8, found \"=\"")]
    [InlineData("name=!x", "invalid filter \"name=!x\": expected an operator (==, !=, ~=) at position 4, found \"=!\"")]
    [InlineData("name===x", "invalid filter \"name===x\": expected an operator (==, !=, ~=) at position 4, found \"===\"")]
    [InlineData("name!~x", "invalid filter \"name!~x\": expected an operator (==, !=, ~=) at position 4, found \"!~\"")]
    [InlineData("name!x", "invalid filter \"name!x\": expected an operator (==, !=, ~=) at position 4, found \"!\"")]
    [InlineData("name~x", "invalid filter \"name~x\": expected an operator (==, !=, ~=) at position 4, found \"~\"")]
    public void An_unknown_operator_is_rejected_where_it_stands(string filter, string message)
    {
        Assert.Equal(message, Reject(filter).Message);
    }

    [Theory]
    [InlineData("name==", 6)]
    [InlineData("name!=  ", 8)]
    [InlineData("name~=,x", 6)]
    public void A_dangling_operator_asks_for_a_value(string filter, int position)
    {
        var message = Reject(filter).Message;

        Assert.StartsWith($"invalid filter \"{filter}\": expected a value after \"{filter.Substring(4, 2)}\" at position {position}", message);
    }

    [Fact]
    public void A_value_that_starts_like_an_operator_must_be_quoted()
    {
        var message = Reject("name== =x").Message;

        Assert.Equal("invalid filter \"name== =x\": expected a value after \"==\" at position 7, found '='; quote a value that starts with it", message);
    }

    [Theory]
    [InlineData("name,", 5, "the end of the filter")]
    [InlineData("name,,image", 5, "','")]
    [InlineData(",name", 0, "','")]
    [InlineData("labels..a", 7, "'.'")]
    [InlineData("labels.", 7, "the end of the filter")]
    [InlineData(".a", 0, "'.'")]
    [InlineData("==x", 0, "'='")]
    [InlineData("labels.a-b", 8, "'-'")]
    public void A_missing_field_name_is_reported_where_it_should_be(string filter, int position, string found)
    {
        var message = Reject(filter).Message;

        Assert.Contains($"\"{filter}\"", message);
        Assert.True(
            message.Contains($"at position {position}, found {found}", StringComparison.Ordinal),
            message);
    }

    [Fact]
    public void A_trailing_comma_is_rejected()
    {
        Assert.Equal(
            "invalid filter \"name==redis,\": expected a field name (letters, digits, '_' or a quoted string) at position 12, found the end of the filter",
            Reject("name==redis,").Message);
    }

    [Theory]
    [InlineData("labels.\"abc", 7)]
    [InlineData("name==\"abc", 6)]
    [InlineData("name==\"abc\\\"", 6)]
    [InlineData("name==\"abc\\", 6)]
    public void An_unterminated_quote_is_reported_where_it_opens(string filter, int position)
    {
        Assert.Equal(
            $"invalid filter \"{filter}\": unterminated quoted string starting at position {position}; close it with '\"'",
            Reject(filter).Message);
    }

    [Theory]
    [InlineData("name~=/abc", '/')]
    [InlineData("name~=|abc\\|", '|')]
    [InlineData("name~=/abc\\", '/')]
    public void An_unterminated_pattern_is_reported_where_it_opens(string filter, char delimiter)
    {
        Assert.Equal(
            $"invalid filter \"{filter}\": unterminated regular expression starting at position 6; close it with '{delimiter}'",
            Reject(filter).Message);
    }

    [Theory]
    [InlineData("name~=/(/")]
    [InlineData("name~=\"[a-\"")]
    [InlineData("name~=/a{2,1}/")]
    public void An_invalid_regular_expression_is_rejected_rather_than_never_matching(string filter)
    {
        var message = Reject(filter).Message;

        Assert.StartsWith($"invalid filter \"{filter}\": invalid regular expression", message);
        Assert.Contains("at position 6: ", message);
    }

    [Theory]
    [InlineData("name==\"a\\qb\"", "unknown escape sequence \"\\q\" at position 8")]
    [InlineData("name==\"\\u12\"", "escape \"\\u\" needs 4 hex digits at position 7")]
    [InlineData("name==\"\\uZZZZ\"", "escape \"\\u\" needs 4 hex digits at position 7")]
    [InlineData("name==\"\\uD800\"", "escape \"\\uD800\" is not a Unicode scalar value at position 7")]
    [InlineData("name==\"\\U00110000\"", "escape \"\\U00110000\" is not a Unicode scalar value at position 7")]
    public void A_bad_escape_is_rejected(string filter, string problem)
    {
        var message = Reject(filter).Message;

        Assert.StartsWith($"invalid filter \"{filter}\": {problem}", message);
    }

    [Theory]
    [InlineData("name==redis image", 12, "'i'")]
    [InlineData("name==\"redis\"x", 13, "'x'")]
    [InlineData("name~=/r/x", 9, "'x'")]
    public void Input_after_a_value_must_be_a_comma(string filter, int position, string found)
    {
        Assert.Equal(
            $"invalid filter \"{filter}\": expected ',' or the end of the filter at position {position}, found {found}",
            Reject(filter).Message);
    }

    [Fact]
    public void Input_after_a_field_must_be_an_operator_or_a_comma()
    {
        Assert.Equal(
            "invalid filter \"name redis\": expected an operator (==, !=, ~=), ',' or the end of the filter at position 5, found 'r'",
            Reject("name redis").Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_filter_is_rejected(string filter)
    {
        Assert.Equal("filter must not be empty", Reject(filter).Message);
    }
}
