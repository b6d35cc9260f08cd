using Platform.TaskRunner.Networks;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.Common.Errors;
using Platform.Contracts;
using Platform.TaskRunner.Networks.Cni;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>
/// The CNI engine against the spec with recording plugins (shell scripts that log their environment and stdin): ADD in
/// order with each previous result as prevResult, DEL in reverse with the ADD's final result, the list's name and
/// cniVersion in every configuration, a plugin's error object as a PlatformException naming it.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class CniNetworkListTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _dir = Directory.CreateTempSubdirectory("cni-engine-").FullName;
    private readonly CniNetworkList _lists;

    public CniNetworkListTests()
    {
        foreach (var name in new[] { "first", "second" })
            Plugin(name, $$$"""
                cfg=$(cat)
                echo "$CNI_COMMAND $CNI_CONTAINERID $CNI_NETNS $CNI_IFNAME $CNI_PATH $cfg" >> {{{_dir}}}/calls
                [ "$CNI_COMMAND" = ADD ] && echo '{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.2/24"}],"dns":{"domain":"{{{name}}}"}}'
                exit 0
                """);
        Plugin("broken", """
            cat > /dev/null
            echo '{"cniVersion":"1.0.0","code":7,"msg":"bad config","details":"field x"}'
            exit 1
            """);
        _lists = new CniNetworkList(new CniPlugins(Options.Create(new NetworkOptions { PluginPath = _dir })));
    }

    private static JsonObject List(params string[] types) => new()
    {
        ["cniVersion"] = "1.0.0",
        ["name"] = "net1",
        ["plugins"] = new JsonArray([.. types.Select(t => (JsonNode)new JsonObject { ["type"] = t, ["cniVersion"] = "0.4.0", ["own"] = t })]),
    };

    private static readonly CniInvocation Call = new("ns--c1", "/run/netns/x", "eth0");

    [Fact]
    public async Task Add_Should_chain_results_and_Del_should_run_in_reverse_with_the_final_result()
    {
        var result = await _lists.AddAsync(List("first", "second"), Call, Ct);
        Assert.Equal("second", (string?)result["dns"]!["domain"]);
        await _lists.DeleteAsync(List("first", "second"), result, Call, Ct);

        var calls = File.ReadAllLines(Path.Combine(_dir, "calls")).Select(Parse).ToList();
        Assert.Equal(["ADD first", "ADD second", "DEL second", "DEL first"], calls.Select(c => $"{c.Command} {c.Config["own"]}"));
        Assert.All(calls, c =>
        {
            Assert.Equal($"ns--c1 /run/netns/x eth0 {_dir}", c.Env);
            Assert.Equal("net1", (string?)c.Config["name"]);
            Assert.Equal("1.0.0", (string?)c.Config["cniVersion"]);
        });
        Assert.Null(calls[0].Config["prevResult"]);
        Assert.Equal("first", (string?)calls[1].Config["prevResult"]!["dns"]!["domain"]);
        Assert.Equal("second", (string?)calls[2].Config["prevResult"]!["dns"]!["domain"]);
        Assert.Equal("second", (string?)calls[3].Config["prevResult"]!["dns"]!["domain"]);
    }

    [Fact]
    public async Task A_plugin_error_Should_name_the_plugin_its_message_code_and_details()
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => _lists.AddAsync(List("first", "broken"), Call, Ct));

        Assert.Equal(ErrorKind.Internal, error.Kind);
        Assert.Equal("CNI plugin broken (ADD) failed: bad config (code 7): field x", error.Message);
    }

    [Fact]
    public void A_missing_ipam_plugin_Should_be_unavailable_naming_it()
    {
        var list = List("first");
        list["plugins"]![0]!["ipam"] = new JsonObject { ["type"] = "host-local" };

        var error = Assert.Throws<PlatformException>(() => _lists.CheckInstalled(list));

        Assert.Equal(ErrorKind.Unavailable, error.Kind);
        Assert.Contains("'host-local'", error.Message);
        Assert.Contains(_dir, error.Message);
    }

    private void Plugin(string name, string body)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static (string Command, string Env, JsonObject Config) Parse(string line)
    {
        var json = line.IndexOf('{');
        var words = line[..json].Trim().Split(' ', 2);
        return (words[0], words[1], JsonNode.Parse(line[json..])!.AsObject());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
