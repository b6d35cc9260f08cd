using System.Text;
using Platform.Client.Registry;
using Xunit;

namespace Platform.Registry.Tests;

public sealed class When_reading_a_docker_config
{
    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Should_decode_auth_as_user_and_password()
    {
        var config = DockerConfigCredentials.Parse($$"""{"auths":{"127.0.0.1:5000":{"auth":"{{Base64("bob:pa:ss")}}"} } }""");

        Assert.Equal(new RegistryCredentials("bob", "pa:ss"), config.Find("127.0.0.1:5000"));
    }

    [Fact]
    public void Should_read_username_and_password_fields()
    {
        var config = DockerConfigCredentials.Parse("""{"auths":{"ghcr.io":{"username":"carol","password":"pw"}}}""");

        Assert.Equal(new RegistryCredentials("carol", "pw"), config.Find("ghcr.io"));
    }

    [Fact]
    public void Should_match_url_keys_and_docker_hubs_names()
    {
        var config = DockerConfigCredentials.Parse($$"""
            {"auths":{
              "https://index.docker.io/v1/":{"auth":"{{Base64("hub:1")}}"},
              "https://registry.example.com":{"auth":"{{Base64("ex:2")}}"}
            } }
            """);

        Assert.Equal("hub", config.Find("docker.io")?.Username);
        Assert.Equal("hub", config.Find("registry-1.docker.io")?.Username);
        Assert.Equal("ex", config.Find("registry.example.com")?.Username);
        Assert.Null(config.Find("quay.io"));
    }

    [Fact]
    public void Should_give_no_credentials_for_helper_only_entries()
    {
        var config = DockerConfigCredentials.Parse("""{"auths":{"ghcr.io":{}},"credsStore":"desktop"}""");

        Assert.Null(config.Find("ghcr.io"));
    }

    [Fact]
    public void Should_name_the_file_when_it_is_not_valid()
    {
        var path = Path.Combine(Path.GetTempPath(), $"docker-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ not json");
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => DockerConfigCredentials.Load(path));

            Assert.Contains(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Should_refuse_an_auth_that_is_not_user_colon_password()
    {
        Assert.Throws<InvalidDataException>(() => DockerConfigCredentials.Parse("""{"auths":{"h":{"auth":"%%%"}}}"""));
        Assert.Throws<InvalidDataException>(() => DockerConfigCredentials.Parse($$"""{"auths":{"h":{"auth":"{{Base64("nocolon")}}"} } }"""));
    }
}
