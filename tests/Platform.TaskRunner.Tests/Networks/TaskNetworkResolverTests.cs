using Microsoft.Extensions.Options;
using Platform.Common.Networks;
using Platform.Contracts;
using Platform.TaskRunner.Networks;
using Platform.TaskRunner.Networks.Cni;
using Platform.TaskRunner.Tests.Service;
using Xunit;

namespace Platform.TaskRunner.Tests.Networks;

/// <summary>Which network a task joins: its container's label, else TaskRunner:Networks:Default; host for privileged callers only.</summary>
public sealed class TaskNetworkResolverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TaskNetworkResolver Resolver(string? @default = null) =>
        new(new DefaultOnly(), Options.Create(@default is null ? new NetworkOptions() : new NetworkOptions { Default = @default }));

    private static Dictionary<string, string> Label(string network) => new() { [NetworkLabels.Network] = network };

    [Fact]
    public async Task Without_a_label_Should_use_the_default_which_is_none_for_now()
    {
        Assert.Equal(TaskNetworkMode.None, (await Resolver().ResolveAsync("ns", null, privileged: false, Ct)).Mode);
        var joined = await Resolver(NetworkLabels.DefaultName).ResolveAsync("ns", new Dictionary<string, string>(), privileged: false, Ct);
        Assert.Equal(TaskNetworkMode.Bridge, joined.Mode);
        Assert.Equal("10.89.0.0/24", joined.Network!.Subnet);
    }

    [Fact]
    public async Task With_a_label_Should_prefer_it_to_the_default()
    {
        Assert.Equal(TaskNetworkMode.None, (await Resolver(NetworkLabels.DefaultName).ResolveAsync("ns", Label("none"), privileged: false, Ct)).Mode);
        Assert.Equal(TaskNetworkMode.Host, (await Resolver().ResolveAsync("ns", Label("host"), privileged: true, Ct)).Mode);
    }

    [Fact]
    public async Task With_host_for_an_unprivileged_caller_Should_refuse_naming_the_rule()
    {
        var error = await Errors.Of(ErrorKind.PermissionDenied, () => Resolver().ResolveAsync("ns", Label("host"), privileged: false, Ct));
        Assert.Contains("only privileged callers", error.Message);
        await Errors.Of(ErrorKind.PermissionDenied, () => Resolver(NetworkLabels.Host).ResolveAsync("ns", null, privileged: false, Ct));
    }

    [Fact]
    public async Task With_an_unknown_network_Should_be_not_found()
    {
        var error = await Errors.Of(ErrorKind.NotFound, () => Resolver().ResolveAsync("ns", Label("elsewhere"), privileged: false, Ct));
        Assert.Contains("elsewhere", error.Message);
    }

    [Fact]
    public void A_plugin_in_no_folder_of_the_path_Should_be_unavailable_naming_it_and_the_folders()
    {
        var plugins = new CniPlugins(Options.Create(new NetworkOptions { PluginPath = "/no/such/cni:/also/missing" }));
        var error = Assert.Throws<Platform.Common.Errors.PlatformException>(() => plugins.Find("bridge"));
        Assert.Equal(ErrorKind.Unavailable, error.Kind);
        Assert.Contains("'bridge'", error.Message);
        Assert.Contains("/no/such/cni, /also/missing", error.Message);
    }

    /// <summary>A directory that knows only the default network (the real one is tested in When_networks_are_managed).</summary>
    private sealed class DefaultOnly : INetworkDirectory
    {
        public Task<NetworkRecord> ResolveAsync(string ns, string name, CancellationToken cancellationToken) =>
            name == NetworkLabels.DefaultName
                ? Task.FromResult(new NetworkRecord
                {
                    Namespace = ns, Name = name, Id = "platform0", Subnet = "10.89.0.0/24", Gateway = "10.89.0.1", Bridge = "platform0",
                })
                : throw Platform.Common.Errors.PlatformException.NotFound($"network '{name}' not found in namespace {ns}");
    }
}
