using Platform.Common.Errors;
using Platform.Common.Networks;
using Platform.Contracts;
using Xunit;

namespace Platform.Common.Tests;

/// <summary>docker's <c>-p</c> grammar, kept on the container as <c>platform.io/ports</c>.</summary>
public sealed class PortMappingTests
{
    [Theory]
    [InlineData("8080:80", null, 8080, 80, "tcp", "8080:80/tcp")]
    [InlineData("127.0.0.1:8080:80/udp", "127.0.0.1", 8080, 80, "udp", "127.0.0.1:8080:80/udp")]
    [InlineData("80", null, 0, 80, "tcp", "80/tcp")]
    [InlineData("53/UDP", null, 0, 53, "udp", "53/udp")]
    [InlineData("127.0.0.1::80", "127.0.0.1", 0, 80, "tcp", "127.0.0.1::80/tcp")]
    public void Should_read_docker_forms_and_write_them_back_so_they_read_the_same(string text, string? ip, int host, int container, string protocol, string written)
    {
        var mapping = PortMapping.Parse(text);

        Assert.Equal(new PortMapping(ip, host, container, protocol), mapping);
        Assert.Equal(written, mapping.ToString());
        Assert.Equal(mapping, PortMapping.Parse(mapping.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0:80")]
    [InlineData("8080:70000")]
    [InlineData("80/sctp")]
    [InlineData("::1:8080:80")]
    [InlineData("host:8080:80")]
    [InlineData("a:b")]
    [InlineData("1:2:3:4")]
    public void Should_refuse_anything_else_naming_the_flag_and_the_grammar(string text)
    {
        var error = Assert.Throws<PlatformException>(() => PortMapping.Parse(text, "-p"));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith("-p: ", error.Message);
        Assert.Contains(PortMapping.Grammar, error.Message);
    }

    [Fact]
    public void Should_keep_a_list_in_one_label()
    {
        var list = new[] { PortMapping.Parse("8080:80"), PortMapping.Parse("53/udp") };
        var labels = new Dictionary<string, string> { [PortMapping.Label] = PortMapping.FormatList(list) };

        Assert.Equal("8080:80/tcp,53/udp", labels[PortMapping.Label]);
        Assert.Equal(list, PortMapping.Of(labels));
        Assert.Empty(PortMapping.Of(new Dictionary<string, string>()));
    }
}
