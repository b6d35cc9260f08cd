using System.Runtime.Versioning;
using Platform.Contracts;
using Platform.TaskRunner.Tests.Service;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>A create whose network can't be attached is refused with the plugin's name and message, and leaves nothing behind.</summary>
[SupportedOSPlatform("linux")]
public sealed class When_a_cni_plugin_is_missing_or_fails(PluginFolderFixture fixture) : IClassFixture<PluginFolderFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Should_refuse_a_missing_plugin_as_unavailable_naming_it_and_the_path()
    {
        fixture.Remove("portmap");
        try
        {
            await fixture.ContainerAsync("no-portmap", ["true"], null, labels: Label());

            var error = await Errors.Of(ErrorKind.Unavailable, () => fixture.Runc.Tasks.CreateAsync("no-portmap", fixture.Namespace, Ct));

            Assert.Contains("'portmap'", error.Message);
            Assert.Contains(fixture.PluginDir, error.Message);
            AssertNothingLeft("no-portmap");
        }
        finally
        {
            fixture.Restore("portmap");
        }
    }

    [Fact]
    public async Task Should_refuse_a_failed_add_naming_the_plugin_and_its_message_and_undo_the_rest()
    {
        var vethsBefore = fixture.HostSide.Veths().Count;
        fixture.Fail("firewall", "the test refuses this task");
        try
        {
            await fixture.ContainerAsync("refused", ["true"], null, labels: Label());

            var error = await Errors.Of(ErrorKind.Internal, () => fixture.Runc.Tasks.CreateAsync("refused", fixture.Namespace, Ct));

            Assert.Contains("CNI plugin firewall (ADD) failed: the test refuses this task (code 100)", error.Message);
            AssertNothingLeft("refused");
            Assert.Empty(fixture.Leases()); // bridge and host-local ran before the firewall: their DEL released the address
            Assert.Equal(vethsBefore, fixture.HostSide.Veths().Count);
        }
        finally
        {
            fixture.Restore("firewall");
        }
    }

    private void AssertNothingLeft(string id)
    {
        Assert.DoesNotContain(fixture.NetnsFiles(), f => f.EndsWith("/" + id, StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.AttachmentFiles(), f => f.Contains($"/{id}.", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(fixture.DataRoot, "tasks", "state", fixture.Namespace, id)), "no runtime state should remain");
    }

    private static Dictionary<string, string> Label() => new() { [Platform.Common.Networks.NetworkLabels.Network] = CniFixture.Network };
}
