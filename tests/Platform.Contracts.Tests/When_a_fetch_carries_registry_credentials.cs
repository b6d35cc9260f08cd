using Platform.Contracts.Resources;
using Xunit;

namespace Platform.Contracts.Tests;

/// <summary>A <see cref="FetchImage"/> carries a registry password; whatever prints the message (a log line, an exception) must not print it.</summary>
public sealed class When_a_fetch_carries_registry_credentials
{
    [Fact]
    public void Should_print_the_user_name_but_never_the_password()
    {
        var fetch = new FetchImage
        {
            Reference = "registry.example.com/app:1", LeaseId = "l",
            Credentials = new RegistryLogin { Username = "alice", Password = "s3cret-Pa55" },
        };

        var printed = $"{fetch} {fetch.Credentials}";

        Assert.Contains("alice", printed);
        Assert.DoesNotContain("s3cret-Pa55", printed);
    }
}
