using Platform.Common.Errors;
using Platform.Contracts;
using Xunit;

namespace Platform.Common.Tests;

public class When_validating_an_identifier
{
    [Theory]
    [InlineData("a")]
    [InlineData("7")]
    [InlineData("redis")]
    [InlineData("web-01")]
    [InlineData("k8s.io")]
    [InlineData("my_container")]
    [InlineData("a.b_c-d")]
    [InlineData("A-1.B-2")]
    public void A_well_formed_identifier_is_accepted(string value)
    {
        Assert.True(Identifiers.Identifiers.IsValid(value));
        Identifiers.Identifiers.Validate(value, "container id");
    }

    [Theory]
    [InlineData("-a")]
    [InlineData(".a")]
    [InlineData("_a")]
    [InlineData("a-")]
    [InlineData("a.")]
    [InlineData("a_")]
    [InlineData("a..b")]
    [InlineData("a-_b")]
    [InlineData("a.-b")]
    [InlineData("-")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("café")]
    [InlineData("ａbc")]
    [InlineData("α")]
    [InlineData("١٢")]
    public void A_malformed_identifier_is_rejected_with_the_rule(string value)
    {
        Assert.False(Identifiers.Identifiers.IsValid(value));

        var error = Assert.Throws<PlatformException>(() => Identifiers.Identifiers.Validate(value, "container id"));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(
            $"container id \"{value}\" is invalid: use letters and digits, optionally separated by single '.', '_' or '-', not at the start or end",
            error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_identifier_is_reported_as_empty(string? value)
    {
        Assert.False(Identifiers.Identifiers.IsValid(value));

        var error = Assert.Throws<PlatformException>(() => Identifiers.Identifiers.Validate(value, "namespace"));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("namespace must not be empty", error.Message);
    }

    [Fact]
    public void Exactly_76_characters_is_allowed()
    {
        var value = new string('a', 76);

        Assert.True(Identifiers.Identifiers.IsValid(value));
        Identifiers.Identifiers.Validate(value, "container id");
    }

    [Fact]
    public void Seventy_seven_characters_is_too_long()
    {
        var value = new string('a', 77);

        Assert.False(Identifiers.Identifiers.IsValid(value));
        var error = Assert.Throws<PlatformException>(() => Identifiers.Identifiers.Validate(value, "container id"));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal($"container id \"{new string('a', 76)}…\" is 77 characters long; the limit is 76", error.Message);
    }

    [Fact]
    public void The_length_is_checked_before_the_grammar()
    {
        var value = new string('-', 80);

        var error = Assert.Throws<PlatformException>(() => Identifiers.Identifiers.Validate(value, "snapshot key"));

        Assert.Contains("is 80 characters long; the limit is 76", error.Message);
        Assert.StartsWith("snapshot key \"", error.Message);
    }
}
