using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.TaskRunner.Networks;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>The subnet arithmetic and the pool's allocation, without services.</summary>
public class When_network_addresses_are_checked
{
    private static NetworkRecord Existing(string subnet, string name = "n") => new()
    {
        Namespace = "ns", Name = name, Id = new string('a', 64), Subnet = subnet, Gateway = "0.0.0.0", Bridge = "plataaaaaaaa",
    };

    private static NetworkAllocation Allocation(string pool = "10.89.0.0/16") => new(Options.Create(new NetworkOptions { Pool = pool }));

    [Fact]
    public void The_pool_gives_the_first_slash_24_overlapping_no_network()
    {
        var (subnet, gateway) = Allocation().Subnet(null, null, [Existing("10.89.0.0/24"), Existing("10.89.1.0/25"), Existing("10.89.3.0/24")]);

        Assert.Equal("10.89.2.0/24", subnet.ToString());
        Assert.Equal("10.89.2.1", Ipv4Subnet.Format(gateway));
    }

    [Fact]
    public void An_exhausted_pool_says_so_and_what_to_do()
    {
        var refused = Assert.Throws<PlatformException>(() => Allocation("10.89.0.0/23").Subnet(null, null, [Existing("10.89.0.0/23")]));

        Assert.Equal(ErrorKind.ResourceExhausted, refused.Kind);
        Assert.Contains("give a subnet", refused.Message);
    }

    [Theory]
    [InlineData("10.89.0.0/16", true)]
    [InlineData("10.89.0.0/24", true)]
    [InlineData("10.89.0.0/25", false)]
    [InlineData("10.89.0.1/16", false)]
    [InlineData("banana", false)]
    public void The_pool_option_must_be_a_network_of_at_most_a_slash_24(string pool, bool valid)
    {
        var results = new NetworkOptions { Pool = pool }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object()));

        Assert.Equal(valid, !results.Any());
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.255.0.0/16", true)]
    [InlineData("10.1.0.0/16", "10.2.0.0/16", false)]
    [InlineData("192.168.0.0/30", "192.168.0.4/30", false)]
    [InlineData("192.168.0.0/29", "192.168.0.4/30", true)]
    public void Subnets_overlap_when_either_contains_the_other(string a, string b, bool overlap)
    {
        Assert.Equal(overlap, NetworkRules.Subnet(a).Overlaps(NetworkRules.Subnet(b)));
        Assert.Equal(overlap, NetworkRules.Subnet(b).Overlaps(NetworkRules.Subnet(a)));
    }

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.256")]
    [InlineData("1.2..4")]
    [InlineData("1.2.3.+4")]
    public void Only_a_strict_dotted_quad_is_an_address(string text) =>
        Assert.False(Ipv4Subnet.TryParseAddress(text, out _));

    [Fact]
    public void A_bridge_name_fits_linux_interface_names()
    {
        Assert.Equal("plat0123abcd", NetworkAllocation.BridgeOf("0123abcd" + new string('f', 56)));
        Assert.True(NetworkAllocation.BridgeOf(new string('f', 64)).Length <= 15);
    }
}
