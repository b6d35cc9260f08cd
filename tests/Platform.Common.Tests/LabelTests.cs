using Platform.Common.Errors;
using Platform.Contracts;
using Xunit;
using LabelRules = Platform.Common.Labels.Labels;

namespace Platform.Common.Tests;

public class When_validating_labels
{
    [Fact]
    public void No_labels_at_all_are_valid()
    {
        LabelRules.Validate(null);
        LabelRules.Validate(new Dictionary<string, string>());
    }

    [Fact]
    public void A_key_and_value_of_exactly_4096_bytes_are_accepted()
    {
        var labels = new Dictionary<string, string> { ["owner"] = new string('v', 4096 - 5) };

        LabelRules.Validate(labels);
    }

    [Fact]
    public void Multibyte_characters_count_as_their_utf8_bytes_at_the_boundary()
    {
        // "é" is two bytes: 2048 of them are exactly 4096 bytes even though they are only 2048 characters.
        LabelRules.Validate(new Dictionary<string, string> { ["é"] = new string('é', 2047) });

        var error = Assert.Throws<PlatformException>(() =>
            LabelRules.Validate(new Dictionary<string, string> { ["é"] = new string('é', 2047) + "x" }));
        Assert.StartsWith("label key and value are 4097 bytes together; the limit is 4096", error.Message);
    }

    [Fact]
    public void One_byte_over_4096_is_rejected_with_the_size_and_the_key()
    {
        var labels = new Dictionary<string, string> { ["owner"] = new string('v', 4096 - 5 + 1) };

        var error = Assert.Throws<PlatformException>(() => LabelRules.Validate(labels));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("label key and value are 4097 bytes together; the limit is 4096 (key: \"owner\")", error.Message);
    }

    [Fact]
    public void A_long_key_is_cut_to_64_bytes_in_the_message()
    {
        var key = new string('k', 100);
        var labels = new Dictionary<string, string> { [key] = new string('v', 4900) };

        var error = Assert.Throws<PlatformException>(() => LabelRules.Validate(labels));

        Assert.Equal($"label key and value are 5000 bytes together; the limit is 4096 (key: \"{new string('k', 64)}\")", error.Message);
    }

    [Fact]
    public void Cutting_the_key_never_splits_a_utf8_sequence()
    {
        // 63 ASCII bytes leave one byte, too few for the three-byte "€", so it must be dropped whole.
        var key = new string('k', 63) + "€€€";
        var labels = new Dictionary<string, string> { [key] = new string('v', 4096) };

        var error = Assert.Throws<PlatformException>(() => LabelRules.Validate(labels));

        Assert.EndsWith($"(key: \"{new string('k', 63)}\")", error.Message);
    }

    [Fact]
    public void Cutting_the_key_keeps_a_surrogate_pair_whole_when_it_fits()
    {
        // 60 ASCII bytes plus the four-byte "😀" fill exactly 64 bytes.
        var key = new string('k', 60) + "😀😀";
        var labels = new Dictionary<string, string> { [key] = new string('v', 4096) };

        var error = Assert.Throws<PlatformException>(() => LabelRules.Validate(labels));

        Assert.EndsWith($"(key: \"{new string('k', 60)}😀\")", error.Message);
    }

    [Fact]
    public void An_empty_key_is_rejected()
    {
        var error = Assert.Throws<PlatformException>(() =>
            LabelRules.Validate(new Dictionary<string, string> { [""] = "x" }));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("label key must not be empty", error.Message);
    }

    [Fact]
    public void The_owner_names_the_entries_in_messages()
    {
        var error = Assert.Throws<PlatformException>(() =>
            LabelRules.Validate(new Dictionary<string, string> { [""] = "x" }, "annotation"));

        Assert.Equal("annotation key must not be empty", error.Message);
    }
}

public class When_setting_a_label
{
    [Fact]
    public void A_value_is_stored_under_its_key()
    {
        var labels = new Dictionary<string, string> { ["a"] = "1" };

        LabelRules.Set(labels, "a", "2");
        LabelRules.Set(labels, "b", "3");

        Assert.Equal(new Dictionary<string, string> { ["a"] = "2", ["b"] = "3" }, labels);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void An_empty_value_removes_the_label(string? value)
    {
        var labels = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" };

        LabelRules.Set(labels, "a", value);

        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, labels);
    }

    [Fact]
    public void Removing_a_label_that_is_not_there_is_harmless()
    {
        var labels = new Dictionary<string, string> { ["b"] = "2" };

        LabelRules.Set(labels, "a", "");

        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, labels);
    }
}
